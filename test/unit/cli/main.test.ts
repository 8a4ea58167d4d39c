import { describe, expect, it } from 'vitest';
import { selectDiagnostics } from '../../../src/cli/commands/validate.js';
import { main } from '../../../src/cli/main.js';
import { makeDiagnostic } from './fixtures.js';

function buffers() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

describe('main()', () => {
  it('returns 0 and prints help for --help', async () => {
    const io = buffers();
    expect(await main(['--help'], { env: {}, cwd: '/nonexistent', ...io })).toBe(0);
    expect(io.out()).toContain('Usage: harmonia');
  });

  it('returns 2 for an unknown option', async () => {
    const io = buffers();
    expect(await main(['config', '--nope'], { env: {}, cwd: '/nonexistent', ...io })).toBe(2);
    expect(io.err()).toContain("unknown option '--nope'");
  });

  it('returns 2 and names the variable for an invalid setting', async () => {
    const io = buffers();
    expect(await main(['config'], { env: { HARMONIA_PORT: '-1' }, cwd: '/nonexistent', ...io })).toBe(2);
    expect(io.err()).toBe("harmonia: HARMONIA_PORT must be an integer from 0 to 65535, got '-1'\n");
  });

  it('prints the resolved settings as JSON', async () => {
    const io = buffers();
    expect(await main(['config', '--json'], { env: { HARMONIA_PORT: '9001' }, cwd: '/nonexistent', ...io })).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ port: 9001, sources: { port: 'env' } });
  });
});

describe('selectDiagnostics()', () => {
  const list = [makeDiagnostic({ severity: 'warning' }), makeDiagnostic({ severity: 'info' }), makeDiagnostic()];

  it('turns warnings into errors with strict', () => {
    expect(selectDiagnostics(list, { strict: true }).map((d) => d.severity)).toEqual(['error', 'info', 'error']);
  });

  it('keeps only errors with quiet', () => {
    expect(selectDiagnostics(list, { quiet: true }).map((d) => d.severity)).toEqual(['error']);
  });

  it('returns everything unchanged by default', () => {
    expect(selectDiagnostics(list, {})).toEqual(list);
  });
});
