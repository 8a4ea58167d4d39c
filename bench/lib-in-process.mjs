// What the in-process HTTP benches (http-js.mjs, http-post-js.mjs) share: a real server on
// SQLite with the one-task workflow of bench/http.mjs synced, and a socket that discards what
// is written, so a request can go through the server's listener without the kernel.
import { Duplex } from 'node:stream';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const W = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

/** A server on `dir` (made under the temp dir with `prefix`); `serverOptions(dir)` gives its options (tokens, token file). */
export async function startInProcessServer(prefix, serverOptions) {
  const { pino } = await import('pino');
  const { createActionRegistry } = await import(W + '/dist/actions/action-registry.js');
  const { createEngine } = await import(W + '/dist/engine/index.js');
  const { createPackSyncService } = await import(W + '/dist/packs/sync-packs.js');
  const { startServer } = await import(W + '/dist/server/start-server.js');
  const { createSqliteStore } = await import(W + '/dist/store/sqlite/sqlite-store.js');
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const packsDir = join(dir, 'packs');
  mkdirSync(join(packsDir, 'bench', 'workflows'), { recursive: true });
  writeFileSync(join(packsDir, 'bench', 'pack.yaml'), 'ref: bench\nversion: 1.0.0\n');
  writeFileSync(join(packsDir, 'bench', 'workflows', 'one.yaml'), 'version: 1.0.0\ntasks:\n  only:\n    action: core.noop\n');
  // The same task, started with a secret input (http-post-js.mjs --secret gives each a new one).
  writeFileSync(join(packsDir, 'bench', 'workflows', 'secret.yaml'), 'version: 1.0.0\ninput:\n  token:\n    type: string\n    secret: true\ntasks:\n  only:\n    action: core.noop\n');
  const store = createSqliteStore({ file: join(dir, 'h.db') });
  const engine = createEngine({ store, actions: createActionRegistry({ packs: () => null }), config: { packs_dir: packsDir } });
  const packs = createPackSyncService({ store, packsDir });
  await packs.syncPack('bench');
  const h = await startServer({ store, engine, packs, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }), options: serverOptions(dir) });
  return { dir, store, engine, h };
}

/** A socket that takes every write and reads nothing. */
export class Sink extends Duplex {
  _read() {}
  _write(chunk, encoding, callback) {
    callback();
  }
  _writev(chunks, callback) {
    callback();
  }
}
