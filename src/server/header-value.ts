/**
 * One request header as a route reads it: undefined when absent, a repeated header joined
 * with ', ' as HTTP combines it. Empty stays empty, so a route can tell sent from not sent.
 */
export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
