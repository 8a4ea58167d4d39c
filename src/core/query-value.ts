import { HarmoniaError } from './errors.js';

/** What a query parameter takes: a closed list of values, or a description of its form. */
export type QueryValueRule = { accepted: readonly string[] } | { expected: string };

/**
 * The one refusal of a query parameter's value (a filter, a page bound, a cursor), whichever
 * edge it came through: REQUEST_INVALID naming the parameter in `details.parameter` and what
 * it takes in `details.accepted` (a closed list) or `details.expected` (a form), so a client
 * or the console can say which field to fix without parsing the message. The value is the
 * caller's: past 100 characters it is cut, with `…`.
 */
export function queryValueError(name: string, value: unknown, rule: QueryValueRule): HarmoniaError {
  const text = String(value);
  const shown = text.length > 100 ? `${text.slice(0, 100)}…` : text;
  const what = 'accepted' in rule ? `one of ${rule.accepted.join(', ')}` : rule.expected;
  return new HarmoniaError('REQUEST_INVALID', `query parameter ${name}='${shown}' must be ${what}`, {
    details: { parameter: name, ...('accepted' in rule ? { accepted: [...rule.accepted] } : { expected: rule.expected }) },
  });
}
