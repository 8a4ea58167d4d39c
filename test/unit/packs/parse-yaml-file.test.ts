import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { parseYamlFile } from '../../../src/packs/parse-yaml-file.js';
import { runPipeline } from '../../../src/packs/run-pipeline.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/packs');

describe('parseYamlFile()', () => {
  it('refuses a billion-laughs file without expanding it', async () => {
    const result = await runPipeline([path.join(fixtures, 'yaml_bomb')]);
    expect(result.diagnostics).toMatchObject([{ code: 'YAML_ALIAS_LIMIT', severity: 'error' }]);
  });

  it('reports a duplicate key at the second occurrence', () => {
    const parsed = parseYamlFile('a: 1\nb:\n  c: 1\n  c: 2\n', 'f.yaml');
    expect(parsed.ok).toBe(false);
    expect(parsed.diagnostics).toMatchObject([{ code: 'YAML_DUPLICATE_KEY', line: 4, column: 3, message: "duplicate key 'c': map keys must be unique" }]);
  });

  it('reports a bad indentation at the offending token', () => {
    const parsed = parseYamlFile('a:\n  b: 1\n c: 2\n', 'f.yaml');
    expect(parsed.diagnostics).toMatchObject([{ code: 'YAML_SYNTAX', line: 3, column: 2 }]);
  });

  it('refuses a file with two documents', () => {
    const parsed = parseYamlFile('a: 1\n---\nb: 2\n', 'f.yaml');
    expect(parsed.diagnostics.map((d) => d.code)).toContain('YAML_MULTI_DOCUMENT');
  });

  it('reports an empty file', () => {
    expect(parseYamlFile('# nothing\n', 'f.yaml').diagnostics.map((d) => d.code)).toEqual(['YAML_EMPTY']);
  });

  it('locates keys and values by JSON pointer, falling back to the nearest ancestor', () => {
    const parsed = parseYamlFile('tasks:\n  build:\n    action: x\n    depends_on: [a, b]\n', 'f.yaml');
    expect(parsed.source.locate('/tasks/build/depends_on/1')).toMatchObject({ line: 4, column: 21 });
    expect(parsed.source.locate('/tasks/build/action', 'key')).toMatchObject({ line: 3, column: 5 });
    expect(parsed.source.locate('/tasks/build/retry/max_attempts')).toMatchObject({ line: 3, column: 5 });
  });
});

describe('parseYamlFile() release()', () => {
  it('still locates pointers after the document is released', () => {
    const text = 'tasks:\n  build:\n    action: x\n    input: { msg: "hi ${input.env}" }\n';
    const parsed = parseYamlFile(text, 'f.yaml');
    const before = [parsed.source.locate('/tasks/build/action', 'key'), parsed.source.locateInString('/tasks/build/input/msg', 3, 17)];
    parsed.release();
    expect([parsed.source.locate('/tasks/build/action', 'key'), parsed.source.locateInString('/tasks/build/input/msg', 3, 17)]).toEqual(before);
    expect(before[1]).toMatchObject({ line: 4, column: 23 });
  });
});

describe('parseYamlFile() aliases', () => {
  it('parses a mapping that holds itself through an alias', () => {
    const parsed = parseYamlFile('a: &x\n  b: "a string long enough to be a rope"\n  c: *x\n', 'f.yaml');
    const value = parsed.value as { a: { c: unknown } };
    expect(parsed.ok).toBe(true);
    expect(value.a.c).toBe(value.a);
  });


  it('reports an alias to an anchor that does not exist as a syntax error, not a bomb', () => {
    expect(parseYamlFile('a: *nope\n', 'f.yaml').diagnostics).toMatchObject([{ code: 'YAML_SYNTAX', message: expect.stringContaining('nope') }]);
  });

  it('points an unresolved alias at the alias, not at the top of the file', () => {
    const text = 'version: 1\ntasks:\n  a: { action: core.noop }\n  b:   *nope\n';
    expect(parseYamlFile(text, 'f.yaml').diagnostics).toMatchObject([{ code: 'YAML_SYNTAX', line: 4, column: 8 }]);
  });

  it('points an alias used before its anchor at the alias', () => {
    const text = 'a: *x\nb: &x 1\n';
    expect(parseYamlFile(text, 'f.yaml').diagnostics).toMatchObject([{ code: 'YAML_SYNTAX', line: 1, column: 4 }]);
  });

  it('points a merge key whose source is not a mapping at the first item that is not one', () => {
    const text = 'tasks:\n  a:\n    action: core.noop\n    <<: [1, 2]\n';
    expect(parseYamlFile(text, 'f.yaml').diagnostics).toMatchObject([{ code: 'YAML_SYNTAX', message: expect.stringContaining('merge'), line: 4, column: 10 }]);
  });

  it('points an alias that expands too often at the first alias of the over-used anchor', () => {
    const refs = Array.from({ length: 101 }, () => '*a').join(', ');
    const text = `x: 1\nlist: &a [1]\nmany: [${refs}]\n`;
    expect(parseYamlFile(text, 'f.yaml').diagnostics).toMatchObject([{ code: 'YAML_ALIAS_LIMIT', line: 3 }]);
  });
});
