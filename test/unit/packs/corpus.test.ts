import { readdirSync, readFileSync, realpathSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import { runPipeline } from '../../../src/packs/run-pipeline.js';

const here = path.dirname(fileURLToPath(import.meta.url));
// A copy of the shared validation corpus lives in the repository, so a fresh clone tests alone;
// .ci/run also runs the shared original's checker as an extra gate.
const corpus = path.resolve(here, '../../fixtures/corpus');
const casesDir = path.join(corpus, 'cases');

interface Expected {
  file: string;
  lines: number[] | null;
  re: RegExp;
  match: string;
}

function readExpect(caseDir: string): { valid: boolean; diagnostics: Expected[] } {
  const raw = JSON.parse(readFileSync(path.join(caseDir, 'expect.json'), 'utf8')) as {
    valid: boolean;
    diagnostics: Array<{ file: string; line?: number | number[]; match: string }>;
  };
  return {
    valid: raw.valid,
    diagnostics: raw.diagnostics.map((d) => ({
      file: d.file.replace(/\\/g, '/').replace(/^\.\//, ''),
      lines: d.line === undefined ? null : Array.isArray(d.line) ? d.line : [d.line],
      re: new RegExp(d.match, 'i'),
      match: d.match,
    })),
  };
}

// The same normalisation as check.mjs: absolute paths become relative to the case folder.
function relativeTo(caseDir: string, file: string): string {
  for (const base of [caseDir, realpathSync(caseDir)]) {
    const rel = path.relative(base, file);
    if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  }
  return file;
}

const isError = (d: Diagnostic) => d.severity === 'error';
const cases = existsSync(casesDir) ? readdirSync(casesDir).filter((n) => existsSync(path.join(casesDir, n, 'expect.json'))).sort() : [];

describe('runPipeline() on the shared corpus', () => {
  it('finds the corpus', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const name of cases) {
    it(`reports what ${name}/expect.json expects`, async () => {
      const caseDir = path.join(casesDir, name);
      const expected = readExpect(caseDir);
      const result = await runPipeline([path.join(caseDir, 'packs')]);
      const diags = result.diagnostics.map((d) => ({ ...d, file: relativeTo(caseDir, d.file) }));
      const errors = diags.filter(isError);
      const show = (list: typeof diags) => list.map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`).join('\n');
      if (expected.valid) {
        expect(show(errors)).toBe('');
        return;
      }
      expect(errors.length, 'an invalid case reports errors').toBeGreaterThan(0);
      for (const e of expected.diagnostics) {
        const hit = errors.some(
          (d) => d.file === e.file && (e.lines === null || e.lines.includes(d.line)) && (e.re.test(d.code) || e.re.test(d.message)),
        );
        expect(hit, `missing ${e.file} ${e.lines?.join('/') ?? 'any line'} /${e.match}/; got:\n${show(errors)}`).toBe(true);
      }
    });
  }
});
