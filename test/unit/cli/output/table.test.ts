import { describe, expect, it } from 'vitest';
import { createColors } from '../../../../src/cli/output/colors.js';
import { formatTable } from '../../../../src/cli/output/table.js';

describe('formatTable()', () => {
  it('aligns columns under upper-case headers', () => {
    const out = formatTable([{ header: 'ref' }, { header: 'version', align: 'right' }, { header: 'name' }], [
      ['ci_cd.deploy_app', '12', 'Deploy app'],
      ['ci_cd.rollback', '1', 'Roll back'],
    ]);
    expect(out).toBe(
      [
        'REF               VERSION  NAME',
        'ci_cd.deploy_app       12  Deploy app',
        'ci_cd.rollback          1  Roll back',
        '',
      ].join('\n'),
    );
  });

  it('measures coloured cells by what the terminal shows', () => {
    const c = createColors(true);
    const out = formatTable([{ header: 'a' }, { header: 'b' }], [[c.green('ok'), 'x'], ['long', 'y']]);
    expect(out.split('\n')[1]).toBe(`${c.green('ok')}    x`);
  });

  it('prints only the header for no rows', () => {
    expect(formatTable([{ header: 'ref' }], [])).toBe('REF\n');
  });

  it("keeps every row on one line: a cell's line breaks are shown as ⏎", () => {
    const out = formatTable([{ header: 'task' }, { header: 'error' }], [['boom', 'exited with code 1: line one\nline two\r\nline three']]);
    expect(out).toBe(['TASK  ERROR', 'boom  exited with code 1: line one⏎line two⏎line three', ''].join('\n'));
  });

  it('cuts the last column to the width given, marking the cut with …', () => {
    const error = 'ACTION_FAILED: sub-workflow ci.release (0193b2a8-8523-7fe5-ac21-41eca39edf30:release#1) failed in task build';
    const out = formatTable([{ header: 'task' }, { header: 'attempts', align: 'right' }, { header: 'error' }], [['release', '1', error], ['ship', '0', '']], { width: 80 });
    const lines = out.trimEnd().split('\n');
    expect(Math.max(...lines.map((line) => [...line].length))).toBe(80);
    expect(lines[1]).toBe(`release         1  ${error.slice(0, 79 - 19)}…`);
    expect(lines[2]).toBe('ship            0');
    // narrower than the other columns leave room for: the last keeps a readable minimum
    expect(formatTable([{ header: 'task' }, { header: 'error' }], [['release', error]], { width: 10 }).split('\n')[1]).toBe(`release  ${error.slice(0, 19)}…`);
  });
});
