/**
 * The response schemas as the contract check reads them: closed. The published document
 * leaves objects open, so a client tolerates a field added later; the check refuses any
 * field the document does not name, so every field the server sends is documented.
 *
 * An object that lists `properties` gets `unevaluatedProperties: false`. A schema built as
 * `allOf` of others is closed at the `allOf` (which sees every branch's properties) and its
 * branches are read open, through an `<Name>__open` copy of each named one: closing a
 * branch would refuse the properties the other branches add.
 */

const PREFIX = '#/components/schemas/';
/** Suffix of a component's copy that is open at its top level (for `allOf` branches). */
export const OPEN_SUFFIX = '__open';

type Node = Record<string, unknown>;

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `schemas` with the ones named in `close` closed (and their open copies added); the rest,
 * such as the file schemas, as they are.
 */
export function closeSchemas(schemas: Record<string, object>, close: ReadonlySet<string>): Record<string, object> {
  const out: Record<string, object> = { ...schemas };
  for (const name of close) {
    const schema = schemas[name];
    if (schema === undefined) continue;
    out[name] = closeNode(schema, true, close) as object;
    out[`${name}${OPEN_SUFFIX}`] = closeNode(schema, false, close) as object;
  }
  return out;
}

function closeNode(value: unknown, closeTop: boolean, close: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => closeNode(v, true, close));
  if (!isNode(value)) return value;
  const copy: Node = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'allOf' && Array.isArray(inner)) copy[key] = inner.map((branch) => openBranch(branch, close));
    else if (key === 'properties' && isNode(inner)) copy[key] = Object.fromEntries(Object.entries(inner).map(([p, s]) => [p, closeNode(s, true, close)]));
    else if (key === 'enum' || key === 'const' || key === 'required' || key === 'examples' || key === 'default') copy[key] = inner;
    else copy[key] = closeNode(inner, true, close);
  }
  const open = copy.additionalProperties !== undefined || copy.unevaluatedProperties !== undefined;
  if (closeTop && !open && (isNode(copy.properties) || Array.isArray(copy.allOf))) copy.unevaluatedProperties = false;
  return copy;
}

/** An `allOf` branch: a reference to a closed component turns to its open copy. */
function openBranch(branch: unknown, close: ReadonlySet<string>): unknown {
  if (isNode(branch) && typeof branch.$ref === 'string' && branch.$ref.startsWith(PREFIX)) {
    const name = branch.$ref.slice(PREFIX.length);
    if (close.has(name)) return { ...branch, $ref: `${PREFIX}${name}${OPEN_SUFFIX}` };
  }
  return closeNode(branch, false, close);
}
