import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseYamlFile, parseYamlFileWithYaml, type ParsedYaml } from '../../../src/packs/parse-yaml-file.js';
import { parseYamlSubset } from '../../../src/packs/parse-yaml-subset.js';
import { createRandom, createYamlGenerator, PLAIN } from './random-yaml.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function yamlFilesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') yamlFilesUnder(full, out);
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}

// Every pointer of a value, so positions are compared wherever a diagnostic could point.
function pointersOf(value: unknown, base = '', out: string[] = []): string[] {
  out.push(base);
  if (Array.isArray(value)) value.forEach((v, i) => pointersOf(v, `${base}/${i}`, out));
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) pointersOf(v, `${base}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
  }
  return out;
}

/** What one text gives through both paths; equal when the paths agree. */
function verdict(parsed: ParsedYaml): { ok: boolean; diagnostics: unknown; value: unknown; positions: unknown[] } {
  const pointers = parsed.ok ? pointersOf(parsed.value).slice(0, 40) : [''];
  const positions = pointers.flatMap((p) => [parsed.source.locate(p), parsed.source.locate(p, 'key'), parsed.source.locateInString(p, 1, 2)]);
  return { ok: parsed.ok, diagnostics: parsed.diagnostics, value: parsed.value, positions };
}

function expectSameVerdict(text: string): boolean {
  const fast = verdict(parseYamlFile(text, 'f.yaml'));
  const slow = verdict(parseYamlFileWithYaml(text, 'f.yaml'));
  // isDeepStrictEqual tells -0 from 0 and checks prototypes; toEqual does not.
  if (!isDeepStrictEqual(fast, slow)) expect({ text, ...fast }).toEqual({ text, ...slow });
  return parseYamlSubset(text) !== undefined;
}

describe('parseYamlSubset()', () => {
  it('gives the verdict yaml gives on every YAML file of the repository', () => {
    const files = [...yamlFilesUnder(path.join(ROOT, 'packs')), ...yamlFilesUnder(path.join(ROOT, 'test'))];
    expect(files.length).toBeGreaterThan(100);
    let accepted = 0;
    for (const file of files) if (expectSameVerdict(readFileSync(file, 'utf8'))) accepted += 1;
    // The subset must be the common case, or the fast path buys nothing.
    expect(accepted / files.length).toBeGreaterThan(0.8);
  });

  it('gives the verdict yaml gives on seeded random documents, valid and broken', () => {
    const document = createYamlGenerator(createRandom(20261205));
    let accepted = 0;
    const runs = 3000;
    for (let i = 0; i < runs; i++) if (expectSameVerdict(document())) accepted += 1;
    // Both paths must be exercised: the generator is tuned so that each takes a good share.
    expect(accepted / runs).toBeGreaterThan(0.2);
    expect(accepted / runs).toBeLessThan(0.8);
    // 3,000 documents through both parsers: seconds on an idle box, past the default 30 s on a loaded one.
  }, 120_000);

  it('reads every core-schema scalar as yaml does', () => {
    for (const text of PLAIN) {
      expectSameVerdict(`k: ${text}\n`);
      expectSameVerdict(`- ${text}\n`);
      expectSameVerdict(`${text}: v\n`);
      expectSameVerdict(`k: [${text}]\n`);
      expectSameVerdict(`k: { ${text}: v }\n`);
    }
  });

  it('gives the verdict yaml gives on hand-picked edge cases of spacing, indentation, flow and keys', () => {
    const cases = [
  'k: {"a" :1}\n', "k: {'a':b}\n", 'k: {"a":[1]}\n', 'k: {"a":"b"}\n', 'k: {a :1}\n', 'k: {a: 1 }\n', 'k: { a : b , c : d }\n',
  'k: [a , b]\n', 'k: [ "a" , \'b\' ]\n', 'k: [a]  # c\n', 'k: "a" # c\n', "k: 'a''' \n", 'k: a\'\'b\n', 'k: [\'\']\n',
  '"k" : v\n', "'k':  v\n", '"k":v\n', 'k:\n  - a\n  -  b\n', 'k:\n- a\n-\n  b: 1\n', '- - a\n  - b\n- c\n', '-   a: 1\n    b: 2\n',
  'k: [a,\n  b]\n', 'k: [a,\n b]\n', 'k: [a,\nb]\n', 'k:\n  x: [a,\n  b]\n', 'k:\n  x: [a,\n   b]\n', 'k:\n  x: [a,\n    b]\n', 'k: {a: 1,\n  b: 2}\n',
  'k: [\n  a\n  ]\n', 'k: [\n  a\n]\n', 'k: [a\n  ,b]\n', 'k: [a, [b, {c: d}], {}]\n', 'k: v\n\n\n', 'k: v', '\n\nk: v\n', '  k: v\n  j: w\n',
  'k: a b  c \n', 'k: a\u00a0b\n', 'k: "\\u00e9\\x41\\U0001F600"\n', 'k: "a\\ b"\n', 'k: "\\/"\n', 'k: -.5\n', 'k: +.5\n', 'k: 0o\n', 'k: 0x\n',
  'k: 1e+3\n', 'k: 1.e3\n', 'k: .1e3\n', 'k: -1e-3\n', 'k: 1E3\n', 'k: 00\n', 'k: -00.0\n', 'k: +0x1\n', 'k: -0o7\n', 'k: 0O7\n',
  'a: 1\nb:\nc: 3\n', 'a:\n  # c\n  b: 1\n', 'a:\n# c\n  b: 1\n', 'a: b\n   # c\n', 'a: b\n # c\nd: e\n', 'a:\n\n  b: 1\n',
  'k: [a]b\n', 'k: [a] b\n', 'k: {a: b}c\n', 'k: "a"b\n', 'k: "a" b\n', 'k: ]\n', 'k: }\n', 'k: a]\n', 'k: a}\n', 'k: a, b\n',
  'k: [a: b]\n', 'k: [a, b: c]\n', 'k: {a, b}\n', 'k: {a: }\n', 'k: {: a}\n', 'k: [,]\n', 'k: [a,,b]\n',
  'k: !a\n', 'k: a!\n', 'k: a&b\n', 'k: a*b\n', 'k: a|b\n', 'k: a>b\n', 'k: a%b\n', 'k: a@b\n', 'k: a`b\n', 'k: a?\n', 'k: a-\n', 'k: a: \n',
  '- a\n-b\n', '-a: 1\n', '- a\n - b\n', 'a:\n - b\n - c\n', 'a:\n  - b\n - c\n', 'a: 1\n b: 2\n', 'a:\n    b: 1\n  c: 2\n',
  'x' .repeat(1030) + ': 1\n', 'x'.repeat(990) + ': 1\n', '"' + 'x'.repeat(1030) + '": 1\n', 'k: {' + 'x'.repeat(1030) + ': 1}\n',
  'k: [' + 'x'.repeat(1030) + ']\n', 'k: ' + 'x'.repeat(5000) + '\n', 'k: "\\\n"\n', 'k: "\n"\n', "k: 'a\n  b'\n",
  '? a\n: b\n', 'a: &x b\n', 'a: *x\n', 'k: v\n...\n', 'k: [a]\n--- \n', 'k:\n  - [a,\n     b]\n  - c\n', 'k:\n- [a,\n b]\n',
  '- [a,\n  b]\n', '- [a,\n b]\n', '- {a: 1,\n   b: 2}\n', 'k: [a, b]   \n', 'k: "a"   \n', 'k:   \n  v\n', 'k:\n  v\n  w\n',
  'k:\n  "v"\n', 'k:\n  "v"\n  j: 1\n', 'k:\n  [a]\n', 'k:\n  [a]\nj: 1\n', 'k:\n  {a: 1}\n', 'k:\n  v\nj: w\n',
  '__proto__: 1\n', 'constructor: 1\n', 'toString: 1\n', 'k: {__proto__: 1}\n', 'k: {toString: 1}\n', '1: a\n"1": b\n', 'null: a\n"": b\n',
  'a: 1 #c\n#d\n', 'a: 1#c\n', 'a:#c\n', 'a: #c\n  b: 1\n', '#!shebang\na: 1\n', 'a: "#"\n', "a: '#'\n", 'a: b#c\n', 'a: [b#c]\n', 'a: [b #c]\n',
];
    for (const text of cases) expectSameVerdict(text);
  });

  it('reads block scalars as yaml does, headers, chomping, blank lines and indents crossed', () => {
    const heads = ['|', '>', '|-', '>-', '|+', '>+', '|2', '| # c', '|#c', '>  ', '|-  # c'];
    const bodies = ['  x\n', '  x\n  y\n', '  x\n\n  y\n', '  x\n\n\n  y\n\n', '  x\n    y\n  z\n', '  x\n   \n  y\n', '  x\n     \n', '\n  x\n', '   x\n  y\n', '  # x\n  y\n', '  x\n# c\n', '  x', '  x\n  y', ' x\n', '  a: b\n  - c\n', '  x\n\n', '    x\n  y\n', ''];
    let accepted = 0;
    for (const head of heads) {
      for (const body of bodies) {
        const deeper = body.replace(/^  /gm, '    ');
        for (const text of [`a: ${head}\n${body}b: 1\n`, `a: ${head}\n${body}`, `- ${head}\n${body}- 1\n`, `k:\n- a: ${head}\n${deeper}  b: 2\n`, `k:\n  a: ${head}\n${deeper}  b: 2\nc: 3\n`, `k:\n  a: ${head}\n${body}`]) {
          if (expectSameVerdict(text)) accepted += 1;
        }
      }
    }
    // The text's indent against its key's, its map's and its sequence's.
    for (let spaces = 0; spaces <= 6; spaces++) {
      for (const head of ['|', '>', '|-']) {
        const p = ' '.repeat(spaces);
        for (const text of [`k:\n  a: ${head}\n${p}x\n${p}y\n  b: 1\n`, `k:\n- ${head}\n${p}x\n- 2\n`, `- a: ${head}\n${p}x\n  b: 1\n`, `k:\n  - a: ${head}\n${p}x\n    b: 1\n`, `a: ${head}\n${p}x\n\n${p}y\nb: 1\n`, `a: ${head}\n${p}x\n${p}  y\nb: 1\n`]) {
          if (expectSameVerdict(text)) accepted += 1;
        }
      }
    }
    expect(accepted).toBeGreaterThan(350);
  });

  it('declines what it does not read, so yaml reports it', () => {
    for (const text of ['', '# only a comment\n', 'a: &x 1\nb: *x\n', 'a: !!str 1\n', 'a: |+\n  text\n', 'a: >\n  text\n    more\n', 'a: |2\n  text\n', 'a: |\n\n  text\n', 'a: 1\na: 2\n', '<<: {a: 1}\n', 'a: 1\n---\nb: 2\n', 'a:\tb\n', 'a: 1\r\n', 'scalar\n', '[a, b]\n', 'a: "two\n  lines"\n', 'a: b\n  c\n', 'a: 1\n...\n', '%YAML 1.2\n---\na: 1\n', 'a:\n--- # x\n', 'a: 1\n---']) {
      expect(parseYamlSubset(text)).toBeUndefined();
      expectSameVerdict(text);
    }
  });

  it('reads a workflow as yaml reads it', () => {
    const text = [
      'version: 1.0.0 # semver',
      'tasks:',
      '  build:',
      '    action: core.echo',
      "    input: { message: \"deploying ${input.env}\", 'n': 3, list: [a, 'b''c', \"\\u00e9\\t\"] }",
      '    depends_on:',
      '    - a',
      '    -   b: 1',
      '        c: ~',
      '    retry: { max_attempts: 3,',
      '             backoff_factor: 1.5e0 }',
      '',
      '    # a comment at another indent',
      '  "quoted key": -.inf',
      'output: {}',
      'list: []',
      '',
    ].join('\n');
    expect(parseYamlSubset(text)).toBeDefined();
    expectSameVerdict(text);
  });
});
