/**
 * An array parameter as PostgreSQL's array literal, built by one JSON.stringify: the
 * driver's own formatting (pg's arrayString) converts, escapes with two regular expressions
 * and concatenates every element, which was ~15 % of the node's instructions for a group
 * commit (its id, token and patch columns, ~3.5 elements per event). Every array parameter
 * of the store's per-task paths goes through it (commits, appends, updates, leases, logs).
 *
 * JSON text with no backslash in it is the array literal once its brackets are braces:
 * strings are double-quoted and hold no `"`, `\` or control character (JSON would have
 * escaped them), numbers and booleans are bare as the literal wants them, and JSON's
 * `null` is the literal's NULL (unquoted, case-insensitive). Anything else (a backslash
 * anywhere, a nested array) goes to the driver as the array it is.
 */
export function arrayLiteral(values: ReadonlyArray<string | number | boolean | null>): string | ReadonlyArray<string | number | boolean | null> {
  const json = JSON.stringify(values);
  return json.includes('\\') ? values : `{${json.slice(1, -1)}}`;
}
