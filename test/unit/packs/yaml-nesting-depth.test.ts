import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tooDeepAt } from '../../../src/packs/yaml-nesting-depth.js';
import { createRandom, createYamlGenerator } from './random-yaml.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// The scan as it was, over text.split('\n'): the one-pass scan must give its answers.
// Token starts: where a quote or a flow bracket opens something rather than sitting in a plain scalar.
const TOKEN_START = new Set([' ', '\t', '[', '{', ',', ':', '-', '?']);
const BLOCK_SCALAR_HEADER = /(?:^|[\s:-])[|>][0-9+-]*\s*(?:#.*)?$/;

// The yaml parser (and every pass after it) recurses once per level, so a document nested
// thousands deep overflows the stack. This scan runs first and over-estimates the depth:
// block levels by indentation and `- `/`? ` markers, flow levels by brackets outside
// quotes and comments, block scalar text skipped. It returns where the depth passes `max`.
function tooDeepAtBefore(text: string, max: number): { line: number; column: number } | null {
  const indents: number[] = [];
  let flow = 0;
  let quote: string | null = null;
  let scalarIndent = -1;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n += 1) {
    const line = lines[n] ?? '';
    let i = 0;
    while (line[i] === ' ') i += 1;
    if (scalarIndent >= 0) {
      if (i >= line.trimEnd().length || i > scalarIndent) continue;
      scalarIndent = -1;
    }
    let k = i;
    let plain = false;
    if (quote === null && flow === 0) {
      if (i >= line.trimEnd().length || line[i] === '#') continue;
      while (indents.length > 0 && (indents.at(-1) ?? 0) >= i) indents.pop();
      indents.push(i);
      while ((line[k] === '-' || line[k] === '?') && (line[k + 1] === ' ' || line[k + 1] === undefined)) {
        k += 1;
        while (line[k] === ' ') k += 1;
        indents.push(k);
        if (indents.length > max) return { line: n + 1, column: k + 1 };
      }
      if (indents.length > max) return { line: n + 1, column: i + 1 };
    }
    for (; k < line.length; k += 1) {
      const c = line[k] ?? '';
      if (quote !== null) {
        if (c === '\\' && quote === '"') k += 1;
        else if (c === quote && quote === "'" && line[k + 1] === "'") k += 1;
        else if (c === quote) quote = null;
        continue;
      }
      const before = k === 0 ? ' ' : (line[k - 1] ?? ' ');
      if (c === '#' && (before === ' ' || before === '\t')) break;
      if (c === ' ' || c === '\t') continue;
      const opens = flow === 0 ? !plain : TOKEN_START.has(before);
      if ((c === '"' || c === "'") && opens) {
        quote = c;
      } else if ((c === '[' || c === '{') && opens) {
        flow += 1;
        if (indents.length + flow > max) return { line: n + 1, column: k + 1 };
      } else if ((c === ']' || c === '}') && flow > 0) {
        flow -= 1;
        plain = flow === 0;
      } else if (flow === 0) {
        // a plain scalar runs to the end of the line, unless this ':' ends a key
        plain = !(c === ':' && (line[k + 1] === ' ' || line[k + 1] === undefined));
      }
    }
    if (quote === null && flow === 0 && BLOCK_SCALAR_HEADER.test(line)) scalarIndent = i;
  }
  return null;
}

// Duplicate keys in one pass. yaml's own `uniqueKeys` check compares each key with every

function yamlFilesUnder(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yamlFilesUnder(full, out);
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}

function expectSameAnswers(text: string): void {
  // Small limits make the scan stop inside the document, at every kind of level.
  for (const max of [1, 2, 3, 4, 6, 100]) expect({ max, at: tooDeepAt(text, max) }).toEqual({ max, at: tooDeepAtBefore(text, max) });
}

describe('tooDeepAt()', () => {
  it('answers as the line-splitting scan did on every YAML file of the repository', () => {
    const files = [...yamlFilesUnder(path.join(ROOT, 'packs')), ...yamlFilesUnder(path.join(ROOT, 'test'))];
    for (const file of files) expectSameAnswers(readFileSync(file, 'utf8'));
  });

  it('answers as the line-splitting scan did on seeded random documents', () => {
    const document = createYamlGenerator(createRandom(7));
    for (let i = 0; i < 3000; i++) expectSameAnswers(document());
  });

  it('answers as the line-splitting scan did around block scalars, quotes, comments and odd whitespace', () => {
    const texts = [
      'a: |\n  - [ {\n  x\nb: [1, [2, [3]]]\n',
      'a: >-2 # c\n   text\n\n  more\nb: {c: {d: 1}}\n',
      "a: 'it''s [' \n- [\"\\\"[\", {b: '['}]\n",
      'a: b # | \n  - c\n',
      '- - - ? - x\n',
      'a:\u00a0\n  b:\u2028\n    c: [\r\n  d]\r\n',
      '\ta: [\t[ ]\n#[[[\n',
      '',
      '\n\n',
    ];
    for (const text of texts) expectSameAnswers(text);
  });
});
