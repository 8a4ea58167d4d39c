import { describe, it, expect } from 'vitest';
import { MAX_NESTING_DEPTH, parseYamlFile } from '../../../src/packs/parse-yaml-file.js';

const TOO_DEEP = `the document nests deeper than ${MAX_NESTING_DEPTH} levels; it was not parsed`;

function blockMappings(levels: number): string {
  return Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}a:`).join('\n') + ' 1\n';
}

describe('parseYamlFile() nesting depth', () => {
  it('refuses 20,000 nested flow sequences with YAML_TOO_DEEP instead of overflowing the stack', () => {
    const parsed = parseYamlFile(`version: 1.0.0\ntasks: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, 'f.yaml');
    expect(parsed.ok).toBe(false);
    expect(parsed.diagnostics).toMatchObject([{ code: 'YAML_TOO_DEEP', severity: 'error', line: 2, message: TOO_DEEP }]);
  });

  it('refuses 20,000 nested flow mappings over several lines at the line that crosses the limit', () => {
    const text = `version: 1.0.0\n${Array.from({ length: 20_000 }, () => '{a: ').join('\n')}1${'}'.repeat(20_000)}\n`;
    const parsed = parseYamlFile(text, 'f.yaml');
    // line 1 holds version, line 2 opens level 2 (the top mapping is level 1)
    expect(parsed.diagnostics).toMatchObject([{ code: 'YAML_TOO_DEEP', line: MAX_NESTING_DEPTH + 1 }]);
  });

  it('refuses block mappings nested past the limit', () => {
    const parsed = parseYamlFile(blockMappings(MAX_NESTING_DEPTH + 1), 'f.yaml');
    expect(parsed.diagnostics).toMatchObject([{ code: 'YAML_TOO_DEEP', line: MAX_NESTING_DEPTH + 1 }]);
  });

  it('refuses compact nested sequences on one line', () => {
    const parsed = parseYamlFile(`${'- '.repeat(5_000)}x\n`, 'f.yaml');
    expect(parsed.diagnostics).toMatchObject([{ code: 'YAML_TOO_DEEP', line: 1 }]);
  });

  it('parses block mappings nested exactly to the limit', () => {
    const parsed = parseYamlFile(blockMappings(MAX_NESTING_DEPTH), 'f.yaml');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.ok).toBe(true);
  });

  it('does not count brackets inside quotes, comments, plain scalars or block scalars', () => {
    const many = '['.repeat(500);
    const text = `a: '${many}'\nb: "${many}"\nc: echo ${many}\n# ${many}\nd: |\n  ${many}\n  {{{{\ne: 1\n`;
    const parsed = parseYamlFile(text, 'f.yaml');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.value).toMatchObject({ a: many, b: many, c: `echo ${many}`, e: 1 });
  });
});
