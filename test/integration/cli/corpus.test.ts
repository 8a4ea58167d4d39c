import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, ROOT } from './cli-harness.js';

// The repository's copy of the shared validation corpus (see its README); .ci/run also runs
// the shared original's checker as an extra gate.
const CHECKER = join(ROOT, 'test', 'fixtures', 'corpus', 'check.mjs');

function runChecker(): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHECKER, '--cli', 'node dist/cli.js', '--jobs', '2'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8') }));
  });
}

beforeAll(() => {
  assertBuilt();
});

describe('harmonia validate against the shared corpus', () => {
  it('passes every case', async () => {
    const run = await runChecker();
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(lines.at(-1)).toMatch(/^\d+ passed, 0 failed$/);
    expect(run.code).toBe(0);
  }, 300_000);
});
