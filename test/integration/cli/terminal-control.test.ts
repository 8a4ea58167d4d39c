/**
 * Text from packs and tasks — a workflow's name, a task's output in its log and in its
 * error — reaches the operator's terminal through the CLI. Escape sequences in it would
 * act on the terminal (set its title, clear the screen, write the clipboard, move the
 * cursor over earlier lines), and a carriage return or a bidirectional override would
 * show something other than what is there. The CLI prints them as visible escapes instead;
 * --json keeps the exact values.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertBuilt, makeTree, removeTree, runCli } from './cli-harness.js';

const NAME = 'evil \u001b]0;pwned\u0007 \u001b[2J\u001b[8mhidden\u202e';
const PACK = {
  'packs/demo/pack.yaml': 'ref: demo\nversion: 1.0.0\n',
  'packs/demo/workflows/loud.yaml': [
    'version: 1.0.0',
    // YAML's own escapes: \e is ESC, \a BEL, \u202E the right-to-left override.
    'name: "evil \\e]0;pwned\\a \\e[2J\\e[8mhidden\\u202E"',
    'tasks:',
    '  build:',
    '    action: core.shell',
    '    input:',
    '      shell: true',
    `      command: 'printf "title \\033]52;c;cm0gLXJmIH4=\\007 gone\\033[1A\\033[2K\\n"; printf "ok\\rFAILED\\n"; exit 3'`,
    '',
  ].join('\n'),
};
// What a terminal acts on: C0 controls but tab and newline, DEL, C1, bidirectional controls.
const ACTS_ON_TERMINAL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let dir = '';
afterEach(() => {
  if (dir) removeTree(dir);
  dir = '';
});

const env = (): Record<string, string> => ({ HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs') });

describe('control characters from packs and tasks in the CLI', () => {
  // Nine runs of the CLI, each a process start: more than the default 30 s on a loaded machine.
  it('are printed as visible escapes in text output, and kept as they are in --json', { timeout: 120_000 }, async () => {
    assertBuilt();
    dir = makeTree(PACK);
    expect((await runCli(['sync'], { cwd: dir, env: env() })).code).toBe(0);
    const run = await runCli(['run', 'demo.loud'], { cwd: dir, env: env() });
    expect(run.code).toBe(1);
    const id = /execution (\S+) of/.exec(run.stderr)?.[1] ?? '';
    expect(id).not.toBe('');

    const texts = {
      run: run.stdout + run.stderr,
      list: (await runCli(['workflow', 'list'], { cwd: dir, env: env() })).stdout,
      show: (await runCli(['workflow', 'show', 'demo.loud'], { cwd: dir, env: env() })).stdout,
      status: (await runCli(['execution', 'status', id], { cwd: dir, env: env() })).stdout,
      logs: (await runCli(['logs', id], { cwd: dir, env: env() })).stdout,
    };
    for (const [command, text] of Object.entries(texts)) {
      expect(text, command).not.toMatch(ACTS_ON_TERMINAL);
    }
    expect(texts.list).toContain('evil \\u001b]0;pwned\\u0007 \\u001b[2J\\u001b[8mhidden\\u202e');
    // A carriage return ends a line in the task log: 'FAILED' is a line of its own, never drawn over 'ok'.
    expect(texts.logs).toContain('build#1 out | ok\nbuild#1 out | FAILED\n');
    // The status shows the error on its own lines, each escaped.
    expect(texts.status).toContain('title \\u001b]52;c;cm0gLXJmIH4=\\u0007 gone\\u001b[1A\\u001b[2K');

    const json = await runCli(['workflow', 'show', 'demo.loud', '--json'], { cwd: dir, env: env() });
    expect((JSON.parse(json.stdout) as { name: string }).name).toBe(NAME);
    const jsonLogs = await runCli(['logs', id, '--json'], { cwd: dir, env: env() });
    expect(jsonLogs.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { line: string }).line)).toEqual(expect.arrayContaining(['ok', 'FAILED']));
  });
});

const COLOURED = {
  'packs/demo/pack.yaml': 'ref: demo\nversion: 1.0.0\n',
  'packs/demo/workflows/colours.yaml': [
    'version: 1.0.0',
    'tasks:',
    '  build:',
    '    action: core.shell',
    '    input:',
    '      shell: true',
    `      command: 'printf "\\033[31mred\\033[0m \\033[1;32mok\\033[m \\033]0;pwned\\007\\033[2J\\033[1A end\\n"; exit 3'`,
    '',
  ].join('\n'),
};

describe("a task's own colours in harmonia logs", () => {
  it('are removed when the output is not a terminal (in logs and under a failed run; other sequences still escaped), kept where colour is forced, exact in --json', { timeout: 120_000 }, async () => {
    assertBuilt();
    dir = makeTree(COLOURED);
    // NO_COLOR unset: only the pipe (not a terminal) decides.
    const plain = { ...env(), NO_COLOR: undefined };
    expect((await runCli(['sync'], { cwd: dir, env: plain })).code).toBe(0);
    const run = await runCli(['run', 'demo.colours'], { cwd: dir, env: plain });
    expect(run.code).toBe(1);
    const id = /execution (\S+) of/.exec(run.stderr)?.[1] ?? '';
    const expected = 'build#1 out | red ok \\u001b]0;pwned\\u0007\\u001b[2J\\u001b[1A end';
    // The failed task's last lines under the error, on stderr (a pipe too), alike.
    expect(run.stderr).toContain(`    ${expected}\n`);

    const out = (text: string): string[] => text.split('\n').filter((line) => line.startsWith('build#1 out'));
    const logs = await runCli(['logs', id], { cwd: dir, env: plain });
    expect(out(logs.stdout)).toEqual([expected]);
    const followed = await runCli(['logs', id, '--follow'], { cwd: dir, env: plain });
    expect(out(followed.stdout)).toEqual([expected]);

    const forced = await runCli(['logs', id], { cwd: dir, env: { ...plain, FORCE_COLOR: '1' } });
    expect(out(forced.stdout)).toEqual(['build#1 out | \u001b[31mred\u001b[0m \u001b[1;32mok\u001b[m \\u001b]0;pwned\\u0007\\u001b[2J\\u001b[1A end\u001b[0m']);

    const json = await runCli(['logs', id, '--json'], { cwd: dir, env: { ...plain, FORCE_COLOR: '1' } });
    const lines = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { stream: string; line: string });
    expect(lines.find((line) => line.stream === 'stdout')?.line).toBe('\u001b[31mred\u001b[0m \u001b[1;32mok\u001b[m \u001b]0;pwned\u0007\u001b[2J\u001b[1A end');
  });
});
