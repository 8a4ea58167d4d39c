import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { STANDALONE_COMMANDS, startCli } from '../../../src/cli/start-cli.js';

function buffer() {
  let text = '';
  return { stream: { write: (chunk: string) => ((text += chunk), true) }, text: () => text };
}

async function run(entry: typeof main, args: string[]) {
  const out = buffer();
  const err = buffer();
  const code = await entry(args, { env: { NO_COLOR: '1' }, cwd: process.cwd(), stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}

describe('startCli()', () => {
  it.each(STANDALONE_COMMANDS)('prints the same help for `%s --help` as the full program', async (name) => {
    const alone = await run(startCli, [name, '--help']);
    expect(alone.code).toBe(0);
    expect(alone).toEqual(await run(main, [name, '--help']));
  });

  it('reports an unknown option of a command it builds alone as the full program does', async () => {
    const alone = await run(startCli, ['validate', '--bogus']);
    expect(alone.code).toBe(2);
    expect(alone).toEqual(await run(main, ['validate', '--bogus']));
  });

  it('builds the full program for a group, program options and a mistyped command', async () => {
    for (const args of [['workflow', '--help'], ['--help'], ['--version'], ['validte']]) {
      expect(await run(startCli, args)).toEqual(await run(main, args));
    }
  });
});
