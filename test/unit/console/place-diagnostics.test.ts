/**
 * placeDiagnostics() against the real validator: every diagnostic the validator reports
 * for a file fits that same text (so a Source tab draws them at their lines), and the
 * same diagnostics do not fit the file once lines moved (so it lists them instead).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeDiagnostics } from '../../../console/src/workflows/place-diagnostics.js';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import { validatePackDir } from '../../../src/packs/run-pipeline.js';

// problems of several kinds: unknown action, a missing dependency, a bad reference inside
// an expression string, a warning on a spliced shell command, a key the schema does not know
const FILE = [
  'version: 1.0.0',
  'input:',
  '  name: { type: string, default: world }',
  'tasks:',
  '  first:',
  '    action: core.nope',
  '  second:',
  '    action: core.echo',
  '    depends_on: [first, missing_task]',
  '    input:',
  '      message: "hello ${input.nobody} and ${input.name}"',
  '  third:',
  '    action: core.shell',
  '    timeout: lots',
  '    input: { command: "echo ${input.name}", shell: true }',
  '',
].join('\n');

let root = '';
let diagnostics: Diagnostic[] = [];
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'harmonia-place-'));
  const dir = join(root, 'shop');
  mkdirSync(join(dir, 'workflows'), { recursive: true });
  writeFileSync(join(dir, 'pack.yaml'), 'ref: shop\nversion: 1.0.0\n');
  writeFileSync(join(dir, 'workflows', 'mixed.yaml'), FILE);
  const pack = await validatePackDir(dir);
  diagnostics = pack.files.flatMap((f) => f.diagnostics);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('placeDiagnostics()', () => {
  it('finds every real diagnostic of a file where it says, on the same text', () => {
    const codes = new Set(diagnostics.map((d) => d.code));
    expect([...codes].sort()).toEqual(['ACTION_UNKNOWN', 'DAG_UNKNOWN_DEPENDENCY', 'EXPR_UNKNOWN_INPUT', 'SCHEMA_UNKNOWN_KEY', 'SHELL_COMMAND_INTERPOLATION']);
    const placed = placeDiagnostics(FILE, 'shop', 'workflows/mixed.yaml', diagnostics);
    expect(placed.mismatched).toEqual([]);
    expect(placed.inline).toHaveLength(diagnostics.length);
  });

  it('refuses to draw them on a text whose lines moved, or on another file', () => {
    const moved = `# a comment added since\n${FILE}`;
    expect(placeDiagnostics(moved, 'shop', 'workflows/mixed.yaml', diagnostics)).toMatchObject({ inline: [], mismatched: diagnostics });
    const other = placeDiagnostics(FILE, 'shop', 'workflows/other.yaml', diagnostics);
    expect(other).toMatchObject({ inline: [], mismatched: [], elsewhere: diagnostics });
  });

  it('keeps a diagnostic past the end of the text shown from being drawn', () => {
    const beyond: Diagnostic = { ...diagnostics[0]!, line: 99, column: 1 };
    expect(placeDiagnostics(FILE, 'shop', 'workflows/mixed.yaml', [beyond]).mismatched).toEqual([beyond]);
  });
});
