/**
 * A real Harmonia server for the client tests: a SQLite file in a temp dir, the
 * repository's example packs copied into a temp packs dir and synced, the real
 * engine and action registry, listening on 127.0.0.1 port 0. It also records
 * every SSE request so a test can cut one server-side and see the client resume.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import { createEngine, type Engine } from '../../../src/engine/index.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import type { ServerOptions } from '../../../src/server/deps.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface StreamRequest {
  url: string;
  lastEventId: string | undefined;
  socket: Socket;
}

export interface ClientHarness {
  url: string;
  dir: string;
  store: Store;
  engine: Engine;
  server: RunningServer;
  /** Every request to /events and /events/..., oldest first. */
  streams: StreamRequest[];
  /** Destroys the sockets of every open SSE response: the client sees a dropped connection. */
  dropStreams(): void;
  close(): Promise<void>;
}

/** Starts a server with the example packs synced; `server` options (tokens, ...) are passed through. */
export async function openHarness(server: ServerOptions = {}): Promise<ClientHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-client-'));
  const packsDir = join(dir, 'packs');
  cpSync(join(ROOT, 'packs'), packsDir, { recursive: true });
  const store = createSqliteStore({ file: join(dir, 'data', 'harmonia.db') });
  const actions = createActionRegistry({ packs: () => null, components: store.components, kill_grace_ms: 200 });
  const engine = createEngine({ store, actions, config: { packs_dir: packsDir, cancel_grace_ms: 500 } });
  const packs = createPackSyncService({ store, packsDir });
  await packs.syncAll();
  const running = await startServer({
    store,
    engine,
    packs,
    host: '127.0.0.1',
    port: 0,
    grace_ms: 1000,
    logger: pino({ level: 'silent' }),
    options: { version: '0.0.0-test', ...server },
  });
  const streams: StreamRequest[] = [];
  running.server.on('request', (req: IncomingMessage) => {
    if (req.url?.startsWith('/events')) {
      const header = req.headers['last-event-id'];
      streams.push({ url: req.url, lastEventId: Array.isArray(header) ? header[0] : header, socket: req.socket });
    }
  });
  return {
    url: running.url,
    dir,
    store,
    engine,
    server: running,
    streams,
    dropStreams() {
      for (const stream of streams) if (!stream.socket.destroyed) stream.socket.destroy();
    },
    async close() {
      await running.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
