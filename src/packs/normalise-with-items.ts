/**
 * `with_items` as the engine takes it: an expression string. The format also allows a
 * literal list (`with_items: [eu, us]`); it becomes the expression that yields that list,
 * with each item that is a whole `${...}` evaluated, as it would be written inline.
 */
import { parseTemplate } from '../expr/index.js';

function quoted(json: string): string {
  return `'${json.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

// The expression inside an item that is exactly one `${...}`, or null.
function wholeExpression(item: unknown): string | null {
  if (typeof item !== 'string' || !item.startsWith('${') || !item.endsWith('}')) return null;
  try {
    const parsed = parseTemplate(item);
    return parsed.whole && parsed.parts[0]?.kind === 'expr' ? item.slice(2, -1) : null;
  } catch {
    return null;
  }
}

/** The expression string of a `with_items` value; undefined when it is neither a string nor a list. */
export function normaliseWithItems(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return undefined;
  const items = value.map(wholeExpression);
  if (items.every((item) => item === null)) return `\${fromJSON(${quoted(JSON.stringify(value))})}`;
  const parts = value.map((item, i) => items[i] ?? `fromJSON(${quoted(JSON.stringify(item) ?? 'null')})`);
  return `\${[${parts.join(', ')}]}`;
}
