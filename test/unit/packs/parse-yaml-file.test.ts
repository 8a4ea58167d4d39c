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
});
