import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchPacks, type PackWatcher } from '../../../src/packs/watch-packs.js';

interface Call {
  pack: string;
  files: string[];
}

/** Records onChange calls and resolves waiters when a matching call arrives. */
function createRecorder() {
  const calls: Call[] = [];
  const waiters: Array<{ match: (call: Call) => boolean; resolve: (call: Call) => void }> = [];
  return {
    calls,
    onChange(pack: string, files: string[]) {
      const call = { pack, files };
      calls.push(call);
      for (const waiter of [...waiters]) {
        if (waiter.match(call)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(call);
        }
      }
    },
    next(match: (call: Call) => boolean): Promise<Call> {
      const found = calls.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

describe('watchPacks()', () => {
  let dir: string;
  let watcher: PackWatcher | null;
  let recorder: ReturnType<typeof createRecorder>;
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  };
  const start = async (debounceMs = 50) => {
    watcher = watchPacks({ packsDir: dir, debounceMs, onChange: (pack, files) => recorder.onChange(pack, files) });
    await watcher.ready;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-watch-'));
    recorder = createRecorder();
    watcher = null;
    write('ops/pack.yaml', 'ref: ops\nversion: 1.0.0\n');
    write('ops/workflows/deploy.yaml', 'version: 1.0.0\n');
    write('web/pack.yaml', 'ref: web\nversion: 1.0.0\n');
  });
  afterEach(async () => {
    await watcher?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports an edited file with its pack', async () => {
    await start();
    write('ops/workflows/deploy.yaml', 'version: 1.0.1\n');
    const call = await recorder.next((c) => c.pack === 'ops');
    expect(call.files).toEqual(['workflows/deploy.yaml']);
  });

  it('reports an added file', async () => {
    await start();
    write('ops/workflows/rollback.yaml', 'version: 1.0.0\n');
    const call = await recorder.next((c) => c.pack === 'ops');
    expect(call.files).toEqual(['workflows/rollback.yaml']);
  });

  it('reports a deleted file', async () => {
    await start();
    rmSync(join(dir, 'ops/workflows/deploy.yaml'));
    const call = await recorder.next((c) => c.pack === 'ops');
    expect(call.files).toEqual(['workflows/deploy.yaml']);
  });

  it('reports both names of a renamed file', async () => {
    await start();
    renameSync(join(dir, 'ops/workflows/deploy.yaml'), join(dir, 'ops/workflows/ship.yaml'));
    await recorder.next((c) => c.files.includes('workflows/deploy.yaml'));
    await recorder.next((c) => c.files.includes('workflows/ship.yaml'));
    expect(recorder.calls.every((c) => c.pack === 'ops')).toBe(true);
  });

  it('reports an atomic save (temp file renamed over the original) as one change of the original', async () => {
    await start();
    write('ops/workflows/deploy.yaml.tmp', 'version: 2.0.0\n');
    renameSync(join(dir, 'ops/workflows/deploy.yaml.tmp'), join(dir, 'ops/workflows/deploy.yaml'));
    const call = await recorder.next((c) => c.pack === 'ops');
    expect(call.files).toEqual(['workflows/deploy.yaml']);
  });

  it('ignores editor swap, backup and lock files', async () => {
    await start();
    write('ops/workflows/.deploy.yaml.swp', 'swap');
    write('ops/workflows/deploy.yaml~', 'backup');
    write('ops/workflows/.#deploy.yaml', 'lock');
    write('ops/workflows/4913', '');
    write('web/workflows/marker.yaml', 'version: 1.0.0\n');
    await recorder.next((c) => c.pack === 'web');
    expect(recorder.calls).toEqual([{ pack: 'web', files: ['workflows/marker.yaml'] }]);
  });

  it('delivers one change for a burst of saves to a pack', async () => {
    await start(200);
    for (let i = 0; i < 20; i += 1) write('ops/workflows/deploy.yaml', `version: 1.0.${i}\n`);
    write('ops/workflows/other.yaml', 'version: 1.0.0\n');
    await recorder.next((c) => c.pack === 'ops');
    // A later, distinct edit: once its call arrives, the burst can have produced no more.
    write('web/workflows/later.yaml', 'version: 1.0.0\n');
    await recorder.next((c) => c.pack === 'web');
    expect(recorder.calls).toEqual([
      { pack: 'ops', files: ['workflows/deploy.yaml', 'workflows/other.yaml'] },
      { pack: 'web', files: ['workflows/later.yaml'] },
    ]);
  });

  // chokidar drops a file's change events for 50 ms after it reported one; a save made in
  // that window, after the pack was handed over, must still come through.
  it('reports a save made right after the previous save was delivered', async () => {
    await start(0);
    write('ops/workflows/deploy.yaml', 'version: 1.0.1\n');
    await recorder.next((c) => c.pack === 'ops');
    write('ops/workflows/deploy.yaml', 'version: 1.0.2\n');
    await recorder.next((c) => c.pack === 'ops' && recorder.calls.indexOf(c) === 1);
    expect(recorder.calls).toEqual([
      { pack: 'ops', files: ['workflows/deploy.yaml'] },
      { pack: 'ops', files: ['workflows/deploy.yaml'] },
    ]);
  });

  it('reports a renamed pack folder as the old pack and the new one', async () => {
    await start();
    renameSync(join(dir, 'web'), join(dir, 'site'));
    await recorder.next((c) => c.pack === 'web');
    await recorder.next((c) => c.pack === 'site');
    expect(recorder.calls.find((c) => c.pack === 'web')?.files).toContain('.');
  });

  it('ignores files directly in the packs folder', async () => {
    await start();
    write('README.md', '# packs\n');
    write('web/workflows/marker.yaml', 'version: 1.0.0\n');
    await recorder.next((c) => c.pack === 'web');
    expect(recorder.calls.map((c) => c.pack)).toEqual(['web']);
  });
});
