/**
 * `harmonia serve` whose stderr nobody reads once it listens (a stuck supervisor): its own
 * lines — sync reports, dev mode's diagnostics, the shutdown notice — must neither pile up
 * without bound nor keep the process from exiting on SIGTERM. The real bin, a real pipe, a
 * real dev-mode watcher; each save's pack event is the event awaited, and the test's own
 * timeout the only bound.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPackEventStream } from '../server/git-harness.js';
import { assertBuilt, makeTree, removeTree } from './cli-harness.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';

const TOKEN = 'stall-token';

/** A workflow with `count` tasks of unknown actions: one diagnostic line each on stderr. */
function brokenWorkflow(count: number, mark: number): string {
  const tasks = Array.from({ length: count }, (_, i) => `  task_${i}_${'x'.repeat(40)}:\n    action: nowhere.action_${mark}_${i}\n`);
  return `version: 1.0.0\ndescription: save ${mark}\ntasks:\n${tasks.join('')}`;
}

let dir = '';
let served: ServeProcess | undefined;
afterEach(async () => {
  // A server stuck on its stderr does not exit on SIGTERM: the test has failed by then.
  if (served?.child.exitCode === null) served.child.kill('SIGKILL');
  await served?.stop();
  served = undefined;
  if (dir) removeTree(dir);
  dir = '';
});

/** Starts `serve --dev` with its stderr held unread, and saves broken files until far more was printed than a pipe holds. */
async function stallStderr(): Promise<ServeProcess> {
  dir = makeTree({ 'packs/ops/pack.yaml': 'ref: ops\nversion: 1.0.0\ndescription: ops\n', 'packs/ops/workflows/deploy.yaml': brokenWorkflow(1, 0) });
  const serve = await startServeProcess(['--dev', '--port', '0', '--debounce', '10ms'], {
    cwd: dir,
    env: { HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_API_TOKENS: TOKEN, HARMONIA_LOG_BUFFER_SIZE: '64KiB', HARMONIA_LOG_FLUSH_TIMEOUT: '100ms', HARMONIA_SHUTDOWN_GRACE: '0' },
    stderr: 'hold',
  });
  served = serve;
  // Each save prints some 100 KiB of diagnostics; five outgrow the pipe, node's read buffer and the backlog.
  for (let save = 1; save <= 5; save++) {
    const failed = await openPackEventStream(serve.url, { type: 'pack_validation_failed' }, TOKEN);
    writeFileSync(join(dir, 'packs/ops/workflows/deploy.yaml'), brokenWorkflow(300, save));
    await failed.next;
  }
  return serve;
}

describe('harmonia serve with a stalled stderr', () => {
  it('keeps answering and exits 0 on SIGTERM while nobody reads its stderr', async () => {
    assertBuilt();
    const serve = await stallStderr();
    expect((await fetch(`${serve.url}/health`)).status).toBe(200);
    expect(await serve.stop()).toBe(0);
  }, 60_000);

  it('says how many lines it dropped once its stalled reader catches up', async () => {
    assertBuilt();
    const serve = await stallStderr();
    serve.readStderr();
    const text = await serve.waitForStderr(/harmonia: \d+ lines dropped while stderr was blocked\n/);
    expect(Number(/harmonia: (\d+) lines dropped/.exec(text)?.[1])).toBeGreaterThan(0);
    expect(await serve.stop()).toBe(0);
  }, 60_000);
});
