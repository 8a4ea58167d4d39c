import { afterEach, describe, it, expect } from 'vitest';
import type { StoredTaskLogLine } from '../../../src/store/store.js';
import { createEngine } from '../../../src/engine/index.js';
import { actionsWith, openHarness, register, workflow, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function runShell(command: string, extra: Record<string, unknown> = {}, config = {}): Promise<{ id: string; status: string; lines: StoredTaskLogLine[] }> {
  h = await openHarness({}, config);
  await register(h.store, 'demo.logs', workflow([{ id: 'job', action: 'core.shell', input: { command, shell: true }, ...extra }]));
  const run = await h.engine.startExecution({ workflow_ref: 'demo.logs' });
  const done = await h.engine.waitForCompletion(run.id);
  await h.engine.stop();
  return { id: run.id, status: done.status, lines: await h.engine.readLogs(run.id, { limit: 100_000 }) };
}

const of = (lines: StoredTaskLogLine[], stream: string) => lines.filter((l) => l.stream === stream).map((l) => l.line);

describe('task logs', () => {
  it('keeps every line a script prints, per stream in order, with its attempt, and still parses the JSON result', async () => {
    const { status, lines, id } = await runShell(
      `echo one; echo warn >&2; printf 'no newline at the end'; echo; printf '\\377\\376 bytes\\n'; echo '{"rows": 3}'; printf 'tail'`,
    );
    expect(status).toBe('completed');
    expect(of(lines, 'stdout')).toEqual(['one', 'no newline at the end', '\uFFFD\uFFFD bytes', '{"rows": 3}', 'tail']);
    expect(of(lines, 'stderr')).toEqual(['warn']);
    expect(lines.every((l) => l.task_id === 'job' && l.attempt === 1 && l.execution_id === id)).toBe(true);
    const seqs = lines.map((l) => l.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
  });

  it('stores each redraw of a progress bar (\\r) as a line, and \\r\\n as one break', async () => {
    const { lines } = await runShell(`printf '10%%\\r20%%\\rdone\\r\\nnext\\n'`);
    expect(of(lines, 'stdout')).toEqual(['10%', '20%', 'done', 'next']);
  });

  it('stores a NUL byte as U+FFFD on every backend (PostgreSQL text cannot hold it: the whole batch was lost there)', async () => {
    const { lines } = await runShell(`printf 'a\\000b\\n'; echo after`);
    expect(of(lines, 'stdout')).toEqual(['a\uFFFDb', 'after']);
  });

  it('cuts a very long line into pieces and keeps a flood of lines in order', async () => {
    const { lines } = await runShell(`head -c 40000 /dev/zero | tr '\\0' x; echo; seq 1 20000`);
    const out = of(lines, 'stdout');
    expect(out.slice(0, 3).map((l) => l.length)).toEqual([16384, 16384, 40000 - 2 * 16384]);
    expect(out.slice(3)).toEqual(Array.from({ length: 20000 }, (_, i) => String(i + 1)));
  });

  it('lets a script print far more than the output limit when it ends with a JSON result line: every line is in the log', async () => {
    const { status, lines, id } = await runShell(`seq 1 2000; echo '{"done": true}'`, {}, { limits: { max_task_output_bytes: 1000 } });
    expect(status).toBe('completed');
    expect(of(lines, 'stdout')).toHaveLength(2001);
    expect((await h?.engine.getStatus(id))?.task_statuses.job).toMatchObject({ status: 'completed' });
  });

  it('fails a script that prints past the output limit without a result line, keeping its lines in the log', async () => {
    const { status, lines } = await runShell('seq 1 2000', {}, { limits: { max_task_output_bytes: 1000 } });
    expect(status).toBe('failed');
    expect(of(lines, 'stdout')).toHaveLength(2000);
  });

  it("stops an attempt's log at the limit with one truncation note", async () => {
    const { lines } = await runShell('seq 1 100', {}, { limits: { max_log_bytes_per_attempt: 50 } });
    expect(of(lines, 'stdout')).toEqual(Array.from({ length: 21 }, (_, i) => String(i + 1)).slice(0, of(lines, 'stdout').length));
    expect(of(lines, 'system')).toEqual([expect.stringContaining('log truncated')]);
    expect(lines.at(-1)?.stream).toBe('system');
  });

  it('keeps each attempt apart and notes the retry between them', async () => {
    const { lines, status } = await runShell('echo "try $HARMONIA_ATTEMPT"; [ "$HARMONIA_ATTEMPT" -ge 2 ]', { retry: { max_attempts: 2, initial_delay_ms: 1 } });
    expect(status).toBe('completed');
    expect(lines.map((l) => [l.attempt, l.stream, l.line.slice(0, 16)])).toEqual([
      [1, 'stdout', 'try 1'],
      [1, 'system', 'failed with ACTI'],
      [2, 'stdout', 'try 2'],
    ]);
  });

  it('stores a note that holds several lines (a retry quoting a multi-line error) one line per entry, as printed lines are', async () => {
    const { lines } = await runShell('printf "first\\r\\nsecond\\n"; [ "$HARMONIA_ATTEMPT" -ge 2 ]', { retry: { max_attempts: 2, initial_delay_ms: 1 } });
    expect(lines.filter((l) => l.line.includes('\n') || l.line.includes('\r'))).toEqual([]);
    expect(lines.filter((l) => l.attempt === 1).map((l) => [l.stream, l.line])).toEqual([
      ['stdout', 'first'],
      ['stdout', 'second'],
      ['system', 'failed with ACTION_FAILED: shell command exited with code 1: first'],
      ['system', 'second; attempt 2 in 1 ms'],
    ]);
  });

  it('notes a timeout in the log', async () => {
    const { lines } = await runShell('echo started; sleep 30', { timeout_ms: 1000 });
    const notes = of(lines, 'system');
    expect(notes[0]).toBe('timed out after 1000 ms: stopping the task');
    // A shell slow to die on SIGTERM (a loaded machine) is killed after the grace, and says so.
    expect(notes.slice(1).every((note) => /^still running \d+ ms after SIGTERM: killed$/.test(note))).toBe(true);
    // Whether the shell printed before the deadline depends on the machine's load; what it printed is kept.
    expect(['started']).toEqual(expect.arrayContaining(of(lines, 'stdout')));
  });

  it('masks secret values before a line is stored', async () => {
    h = await openHarness();
    const engine = createEngine({ store: h.store, actions: actionsWith({}), env: { DEPLOY_TOKEN: 'tok-4f9a8b7c6d' }, config: { env_allowlist: ['DEPLOY_TOKEN'] } });
    await register(h.store, 'demo.secret', workflow([{ id: 'leak', action: 'core.shell', input: { command: 'echo "token is $T"', shell: true, env: { T: '${env.DEPLOY_TOKEN}' } } }]));
    const run = await engine.startExecution({ workflow_ref: 'demo.secret' });
    await engine.waitForCompletion(run.id);
    await engine.stop();
    const lines = await engine.readLogs(run.id, { limit: 10 });
    expect(lines.map((l) => l.line)).toEqual(['token is **REDACTED**']);
  });

  it('masks a secret that a long line\'s cut would split, and never cuts inside a character', async () => {
    h = await openHarness();
    const engine = createEngine({ store: h.store, actions: actionsWith({}), env: { DEPLOY_TOKEN: 'tok-4f9a8b7c6d' }, config: { env_allowlist: ['DEPLOY_TOKEN'] } });
    // The secret straddles byte 16384 (the piece size), printed in two writes; then a line of
    // 3-byte characters whose 16384th byte falls inside one.
    const command = [
      `head -c 16380 /dev/zero | tr '\\0' x; printf '%s' "$T" | head -c 5; sleep 0.1; printf '%s\\n' "$T" | tail -c +6`,
      `i=0; while [ $i -lt 6000 ]; do printf '\\342\\202\\254'; i=$((i+1)); done; echo`,
    ].join('; ');
    await register(h.store, 'demo.secret', workflow([{ id: 'leak', action: 'core.shell', input: { command, shell: true, env: { T: '${env.DEPLOY_TOKEN}' } } }]));
    const run = await engine.startExecution({ workflow_ref: 'demo.secret' });
    await engine.waitForCompletion(run.id);
    await engine.stop();
    const lines = (await engine.readLogs(run.id, { limit: 100 })).map((l) => l.line);
    const text = lines.join('');
    for (const fragment of ['tok-4', 'f9a8b7c6d', '4f9a8b']) expect(text).not.toContain(fragment);
    expect(text).toContain('x**REDACTED**');
    expect(text).not.toContain('\uFFFD');
    expect(lines.filter((l) => l.startsWith('€')).join('')).toBe('€'.repeat(6000));
    expect(lines.every((l) => Buffer.byteLength(l) <= 16384)).toBe(true);
  });
});
