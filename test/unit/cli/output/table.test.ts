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
});
