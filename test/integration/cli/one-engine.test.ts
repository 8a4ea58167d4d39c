import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { createClient } from '../../../src/client/index.js';
import { assertBuilt, BIN, makeTree, removeTree, runCli } from './cli-harness.js';
import { startServeProcess, type ServeProcess } from './serve-process.js';

const PACK = {
  'packs/demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndescription: Demo pack\n',
  'packs/demo/actions/hold.yaml': 'description: Waits for a go file\nrunner: shell\nentry_point: hold.sh\n',
  // Records each attempt with its pid (from outside its PID namespace), then waits for ./go.
  'packs/demo/actions/hold.sh': [
    'echo "start $HARMONIA_ATTEMPT $(awk \'{print $4}\' /proc/self/stat)" >> log',
    'while [ ! -f go ]; do sleep 0.02; done',
    'echo "end $HARMONIA_ATTEMPT" >> log',
    'echo \'{"done": true}\'',
    '',
  ].join('\n'),
  'packs/demo/workflows/wait.yaml': 'version: 1.0.0\ntasks:\n  hold:\n    action: demo.hold\n',
};

let dir = '';
let served: ServeProcess | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
  if (dir) removeTree(dir);
  dir = '';
});

function logLines(): string[] {
  const file = join(dir, 'packs/demo/log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

async function untilLog(count: number): Promise<void> {
  await expect.poll(() => logLines().filter((line) => line.startsWith('start ')).length, { timeout: 20_000 }).toBe(count);
}

const env = (): Record<string, string> => ({ HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs'), HARMONIA_SHUTDOWN_GRACE: '0' });

describe('one engine per data directory', () => {
  it('refuses a second engine, then recovers what a killed `harmonia run` left, and stops on SIGTERM', async () => {
    assertBuilt();
    dir = makeTree(PACK);
    expect((await runCli(['sync'], { cwd: dir, env: env() })).code).toBe(0);

    const run = spawn(process.execPath, [BIN, 'run', 'demo.wait'], { cwd: dir, env: { ...process.env, ...env(), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let runErr = '';
    run.stderr.on('data', (chunk: Buffer) => (runErr += chunk.toString('utf8')));
    await untilLog(1);
    const id = /execution (\S+) of/.exec(runErr)?.[1] ?? '';
    expect(id).not.toBe('');

    // A second engine on the same data fails fast, naming the holder.
    const second = await runCli(['serve', '--port', '0'], { cwd: dir, env: env() });
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`process ${run.pid} (harmonia run demo.wait`);

    const firstPid = Number(logLines()[0]?.split(' ')[2]);
    const runExit = new Promise((resolve) => run.once('exit', resolve));
    run.kill('SIGKILL');
    await runExit;
    // The killed engine's task went with it.
    await expect.poll(() => existsSync(`/proc/${firstPid}`) && !readFileSync(`/proc/${firstPid}/stat`, 'utf8').includes(') Z'), { timeout: 10_000 }).toBe(false);

    // The next engine carries the execution on: attempt 2, not a failure, then stops on SIGTERM.
    served = await startServeProcess(['--port', '0', '--no-sync'], { cwd: dir, env: env() });
    await untilLog(2);
    expect(await served.stop()).toBe(0);
    served = undefined;

    served = await startServeProcess(['--port', '0', '--no-sync'], { cwd: dir, env: env() });
    await untilLog(3);
    writeFileSync(join(dir, 'packs/demo/go'), '');
    const client = createClient({ baseUrl: served.url });
    const done = await client.waitForCompletion(id, { timeoutMs: 20_000 });
    expect(done.status).toBe('completed');
    expect(logLines().filter((line) => line.startsWith('end '))).toEqual(['end 3']);
    expect((await client.getWorkflowStatus(id)).task_statuses.hold).toMatchObject({ status: 'completed', attempts: 3 });
  });

  it('points `workflow run` without --url at the server that holds the data directory, and writes that start nothing go on beside it', async () => {
    assertBuilt();
    dir = makeTree(PACK);
    served = await startServeProcess(['--port', '0'], { cwd: dir, env: env() });
    const run = await runCli(['workflow', 'run', 'demo.wait', '--json'], { cwd: dir, env: env() });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'STORE_LOCKED' } });
    expect(run.stderr).toContain('name it with --url (or HARMONIA_URL)');
    const synced = await runCli(['pack', 'sync', 'demo', '--json'], { cwd: dir, env: env() });
    expect(synced.code).toBe(0);
    expect(JSON.parse(synced.stdout)).toMatchObject({ pack_ref: 'demo', ok: true });
  });
});
