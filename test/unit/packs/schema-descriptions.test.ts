import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

type Node = Record<string, unknown>;
const KINDS = ['workflow', 'template', 'action', 'pack'];
const schemas = new Map(KINDS.map((kind) => [`${kind}.schema.json`, JSON.parse(readFileSync(new URL(`../../../schemas/${kind}.schema.json`, import.meta.url), 'utf8')) as Node]));

function resolve(file: string, ref: string): Node | undefined {
  const [target = '', pointer = ''] = ref.split('#');
  let node: unknown = schemas.get(target === '' ? file : target);
  for (const part of pointer.split('/').filter(Boolean)) node = (node as Node | undefined)?.[part];
  return node as Node | undefined;
}

// Every property, with whether hover in an editor has something to show for it.
function undescribed(file: string): string[] {
  const missing: string[] = [];
  const walk = (node: unknown, at: string): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${at}/${i}`));
    const record = node as Node;
    for (const [name, spec] of Object.entries((record.properties as Node | undefined) ?? {})) {
      const own = spec as Node;
      const target = typeof own.$ref === 'string' ? resolve(file, own.$ref) : undefined;
      if (typeof own.description !== 'string' && typeof target?.description !== 'string') missing.push(`${at}/properties/${name}`);
    }
    for (const [key, value] of Object.entries(record)) walk(value, `${at}/${key}`);
  };
  walk(schemas.get(file), file);
  return missing;
}

describe('the JSON Schemas editors read', () => {
  it.each(KINDS)('describe every field of the %s schema, for hover', (kind) => {
    expect(undescribed(`${kind}.schema.json`)).toEqual([]);
  });

  it('describe every enum value in the description of its field', () => {
    const workflow = schemas.get('workflow.schema.json') as { $defs: Record<string, { properties: Record<string, Node> }> };
    for (const field of ['trigger_rule', 'on_item_failure']) {
      const spec = workflow.$defs.task?.properties[field] as { enum: string[]; description: string };
      for (const value of spec.enum) expect(spec.description).toContain(value);
    }
    const runner = (schemas.get('action.schema.json') as { properties: Record<string, { enum: string[]; description: string }> }).properties.runner;
    for (const value of runner?.enum ?? []) expect(runner?.description).toContain(value);
  });
});
