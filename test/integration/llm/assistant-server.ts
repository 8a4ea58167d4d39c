/**
 * A real Harmonia server for the assistant tests: SQLite in a temp dir, the real engine
 * and action registry with core.llm on a chat client, the `shop` pack synced, and the
 * server's log captured as text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import { createEngine, type Engine } from '../../../src/engine/index.js';
import { createChatClient, type ChatClientOptions } from '../../../src/llm/chat-client.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { writeTree } from '../cli/cli-harness.js';

export interface AssistantServer {
  dir: string;
  store: Store;
  engine: Engine;
  server: RunningServer;
  url: string;
  /** Every line the server logged. */
  log: string[];
  call(method: string, path: string, json?: unknown): Promise<{ status: number; text: string; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** Starts the server; `llm` null means no model server configured. */
export async function openAssistantServer(files: Record<string, string>, llm: ChatClientOptions | null): Promise<AssistantServer> {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-assistant-'));
  const packsDir = join(dir, 'packs');
  writeTree(packsDir, files);
  const log: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      log.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const store = createSqliteStore({ file: join(dir, 'harmonia.db'), synchronous: 'NORMAL' });
  const client = llm === null ? null : createChatClient(llm);
  const actions = createActionRegistry({ packs: () => null, components: store.components, llm: client });
  const engine = createEngine({ store, actions, config: { packs_dir: packsDir } });
  const packs = createPackSyncService({ store, packsDir });
  for (const ref of new Set(Object.keys(files).map((f) => f.split('/')[0] ?? ''))) await packs.syncPack(ref);
  const server = await startServer({
    store,
    engine,
    packs,
    host: '127.0.0.1',
    port: 0,
    grace_ms: 2000,
    logger: pino({ level: 'debug' }, sink),
    assistant: { llm: client, packs_dir: packsDir },
  });
  return {
    dir,
    store,
    engine,
    server,
    url: server.url,
    log,
    async call(method, path, json) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        ...(json === undefined ? {} : { body: JSON.stringify(json), headers: { 'content-type': 'application/json' } }),
      });
      const text = await response.text();
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // not JSON: callers read text
      }
      return { status: response.status, text, body };
    },
    async close() {
      await server.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
