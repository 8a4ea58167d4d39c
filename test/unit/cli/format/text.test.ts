import { describe, expect, it } from 'vitest';
import { formatText } from '../../../../src/cli/format/text.js';
import { makeDiagnostic } from '../fixtures.js';

const source = ['version: 1.0.0', 'tasks:', '  a: { depends_on: [b] }', '  b: { depends_on: [a] }'].join('\n');
const readSource = (file: string) => (file === 'packs/ci/workflows/promote.yaml' ? source : undefined);

describe('formatText()', () => {
  it('starts each diagnostic with file:line:col, severity, code and message', () => {
    const out = formatText([makeDiagnostic()]);
    expect(out.split('\n')[0]).toBe("packs/ci/workflows/promote.yaml:3:21  error  DAG_CYCLE  cycle 'a' → 'b' → 'a'");
  });

  it('places the caret under the reported column', () => {
    const lines = formatText([makeDiagnostic()], { readSource }).split('\n');
    expect(lines[1]).toBe('  3 |   a: { depends_on: [b] }');
    const caretAt = (lines[2] ?? '').indexOf('^') - '    | '.length;
    expect(source.split('\n')[2]?.charAt(caretAt)).toBe('b');
  });

  it('spans the caret to the end column on the same line', () => {
    const out = formatText([makeDiagnostic({ column: 20, end_column: 23 })], { readSource });
    expect(out.split('\n')[2]).toBe('    | ' + ' '.repeat(19) + '^^^');
  });

  it('keeps tabs before the caret so it lines up with tab-indented source', () => {
    const out = formatText([makeDiagnostic({ line: 1, column: 3, end_column: 0 })], { readSource: () => '\t\tx: 1' });
    expect(out.split('\n')[2]).toBe('    | \t\t^');
  });

  it('widens the gutter for multi-digit line numbers', () => {
    const text = Array.from({ length: 12 }, (_, i) => `line${i + 1}`).join('\n');
    const out = formatText([makeDiagnostic({ line: 12, column: 1, end_column: 0 })], { readSource: () => text });
    expect(out.split('\n').slice(1, 3)).toEqual(['  12 | line12', '     | ^']);
  });

  it('prints no code frame when the diagnostic has no line', () => {
    const out = formatText([makeDiagnostic({ line: 0, column: 0, code: 'PACK_FILE_NAME', message: 'bad name' })], {
      readSource,
    });
    expect(out.split('\n')[0]).toBe('packs/ci/workflows/promote.yaml  error  PACK_FILE_NAME  bad name');
    expect(out).not.toContain('|');
  });

  it('prints the hint and related locations under the frame', () => {
    const out = formatText([
      makeDiagnostic({
        hint: "remove 'b' from a.depends_on",
        related: [{ file: 'packs/ci/workflows/promote.yaml', line: 4, column: 19, message: "'b' depends on 'a'" }],
      }),
    ]);
    expect(out).toContain("  hint: remove 'b' from a.depends_on\n");
    expect(out).toContain("  related: packs/ci/workflows/promote.yaml:4:19  'b' depends on 'a'\n");
  });

  it('summarises errors and warnings with the number of files that have them', () => {
    const out = formatText([
      makeDiagnostic(),
      makeDiagnostic({ file: 'packs/ci/pack.yaml' }),
      makeDiagnostic({ file: 'packs/ci/pack.yaml', line: 1 }),
      makeDiagnostic({ severity: 'warning' }),
    ]);
    expect(out.trimEnd().split('\n').at(-1)).toBe('✖ 3 errors, 1 warning in 2 files');
  });

  it('says how many files are valid when there are no errors', () => {
    const out = formatText([], { files: ['a.yaml', 'b.yaml', 'c.yaml', 'd.yaml', 'e.yaml'] });
    expect(out).toBe('✔ 5 files valid\n');
  });

  it('mentions warnings in the summary of a valid run', () => {
    const out = formatText([makeDiagnostic({ severity: 'warning', file: 'a.yaml' })], { files: ['a.yaml', 'b.yaml'] });
    expect(out.trimEnd().split('\n').at(-1)).toBe('✔ 2 files valid (1 warning)');
  });

  it('emits no escape codes unless colour is asked for', () => {
    expect(formatText([makeDiagnostic()], { readSource })).not.toContain('\u001b[');
    expect(formatText([makeDiagnostic()], { readSource, color: true })).toContain('\u001b[31merror\u001b[39m');
  });
});

describe('formatText() without summary', () => {
  it('prints only the diagnostics', () => {
    const out = formatText([makeDiagnostic()], { summary: false });
    expect(out).toBe("packs/ci/workflows/promote.yaml:3:21  error  DAG_CYCLE  cycle 'a' → 'b' → 'a'\n");
  });
});
