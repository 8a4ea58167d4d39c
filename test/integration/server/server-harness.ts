/**
 * A real Harmonia server for tests: SQLite file in a temp dir, the real engine,
 * action registry and pack sync service, listening on 127.0.0.1 port 0.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino, type Logger } from 'pino';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import type { ActionHandler } from '../../../src/actions/action.js';
import type { WorkflowDef } from '../../../src/core/model.js';
import { createEngine, type Engine, type EngineConfig } from '../../../src/engine/index.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import type { ServerOptions } from '../../../src/server/deps.js';
import { startServer, type RunningServer } from '../../../src/server/start-server.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Fsync } from '../../../src/store/sqlite/wal-sync.js';
import type { Store } from '../../../src/store/store.js';

export interface ServerHarness {
  dir: string;
  packsDir: string;
  store: Store;
  engine: Engine;
  server: RunningServer;
  url: string;
  /** fetch against the server; JSON bodies are sent with Content-Type application/json. */
  call<T = Record<string, unknown>>(method: string, path: string, options?: CallOptions): Promise<CallResult<T>>;
  close(): Promise<void>;
}

export interface CallOptions {
  json?: unknown;
  text?: string;
  contentType?: string;
  token?: string;
  headers?: Record<string, string>;
}

export interface CallResult<T> {
  status: number;
  headers: Headers;
  /** The JSON body, typed by the caller with the wire type it expects ({} when not JSON). */
  body: T;
  text: string;
}

export interface HarnessOptions {
  server?: ServerOptions;
  engine?: EngineConfig;
  /** Extra files under the packs dir: path → content. */
  files?: Record<string, string>;
  /** Actions written inline by a test (e.g. a gate the test opens). */
  actions?: Record<string, ActionHandler>;
  /** The server's logger. @default a silent one */
  logger?: Logger;
  /** The environment `${env.*}` may read (filtered by engine.env_allowlist). @default {} */
  env?: Record<string, string>;
  /** The store's durability. @default 'NORMAL' (tests need not survive power loss) */
  synchronous?: 'FULL' | 'NORMAL';
  /** The store's fsync of its log off the event loop (with synchronous FULL). @default node:fs's */
  fsync?: Fsync;
  /** The secrets webhook triggers name (their environment). @default none */
  trigger_secret?: (name: string) => string | undefined;
  /** The folder for the store and packs, kept on close: a second server on it is a restart. @default a fresh temp folder, removed on close */
  dir?: string;
}

/** The demo pack every server test can use. */
export const DEMO_PACK: Record<string, string> = {
  'demo/pack.yaml': 'ref: demo\nlabel: Demo\nversion: 1.0.0\n',
  'demo/workflows/hello.yaml': [
    'version: 1.0.0',
    'name: Hello',
    'input:',
    '  who: { type: string, default: world }',
    'tasks:',
    '  greet:',
    '    action: core.echo',
    '    input: { message: "hello ${input.who}", api_key: "k-123" }',
    '  done:',
    '    action: core.noop',
    '    depends_on: [greet]',
    'output:',
    '  message: "${tasks.greet.output.message}"',
    '',
  ].join('\n'),
  'demo/workflows/slow.yaml': [
    'version: 1.0.0',
    'tasks:',
    '  wait:',
    '    action: core.sleep',
    '    input: { ms: 600000 }',
    '  after:',
    '    action: core.noop',
    '    depends_on: [wait]',
    '',
  ].join('\n'),
  'demo/workflows/broken.yaml': [
    'version: 1.0.0',
    'tasks:',
    '  boom:',
    '    action: core.fail',
    '    input: { error_type: ACTION_FAILED, error_message: "it broke", is_retriable: false }',
    '',
  ].join('\n'),
  'demo/templates/greeting.yaml': [
    'version: 1.0.0',
    'parameters:',
    '  who: { type: string, required: true }',
    'workflow:',
    '  tasks:',
    '    say:',
    '      action: core.echo',
    '      input: { message: "hi ${param.who}" }',
    '',
  ].join('\n'),
};

export { workflowBody } from '../../fixtures/workflow-body.js';

/** Registers a workflow body straight into the store (for actions the pack validator cannot know). */
export async function registerDirect(store: Store, ref: string, body: WorkflowDef): Promise<string> {
  await store.registry.upsertPack({ ref: ref.split('.')[0] ?? 'test', version: '1.0.0', dependencies: [] });
  const record = await store.registry.addVersion({
    kind: 'workflow',
    ref,
    pack_ref: ref.split('.')[0] ?? 'test',
    content_hash: `${ref}-direct`,
    body,
    source: JSON.stringify(body),
    file: `workflows/${ref.split('.')[1] ?? ref}.yaml`,
    origin: { source: 'local' },
  });
  return record.id;
}

/** A task handler that waits until the test opens it. */
export function createGate(): { action: ActionHandler; open(): void; entered: Promise<void> } {
  let open!: () => void;
  let entered!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
  return {
    action: {
      async run() {
        entered();
        await opened;
        return { status: 'success', data: { gate: 'opened' } };
      },
    },
    open,
    entered: enteredPromise,
  };
}

/** Starts a server over a fresh SQLite file and a packs dir holding the demo pack. */
export async function openServer(options: HarnessOptions = {}): Promise<ServerHarness> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'harmonia-server-'));
  const packsDir = join(dir, 'packs');
  for (const [path, content] of Object.entries({ ...DEMO_PACK, ...options.files })) {
    mkdirSync(dirname(join(packsDir, path)), { recursive: true });
    writeFileSync(join(packsDir, path), content);
  }
  const store = createSqliteStore({
    file: join(dir, 'data', 'harmonia.db'),
    synchronous: options.synchronous ?? 'NORMAL',
    ...(options.fsync === undefined ? {} : { fsync: options.fsync }),
  });
  const registry = createActionRegistry({ packs: () => null, components: store.components, kill_grace_ms: 200 });
  const custom = options.actions ?? {};
  const engine = createEngine({
    store,
    actions: { resolve: (task, packDir) => custom[task.action] ?? registry.resolve(task, packDir) },
    config: { packs_dir: packsDir, cancel_grace_ms: 500, ...options.engine },
    ...(options.env ? { env: options.env } : {}),
  });
  // Diagnostics name files as `harmonia serve` does: from the packs folder's name down.
  const packs = createPackSyncService({ store, packsDir, displayDir: 'packs' });
  await packs.syncPack('demo');
  const server = await startServer({
    store,
    engine,
    packs,
    host: '127.0.0.1',
    port: 0,
    grace_ms: 2000,
    logger: options.logger ?? pino({ level: 'silent' }),
    options: { version: '9.9.9-test', ...options.server },
    ...(options.trigger_secret ? { trigger_secret: options.trigger_secret } : {}),
  });

  const call = async <T,>(method: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | undefined;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = opts.contentType ?? 'application/json';
    } else if (opts.text !== undefined) {
      body = opts.text;
      if (opts.contentType !== undefined) headers['content-type'] = opts.contentType;
    }
    if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
    const send = (): Promise<Response> => fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    let response: Response;
    try {
      response = await send();
    } catch (error) {
      // A test that holds the event loop for seconds (the OpenAPI validators) lets the server's
      // keep-alive timeout close a pooled connection just as fetch reuses it. Clients send an
      // idempotent request again on such a reset (RFC 9112, 9.3.1); anything else is a failure.
      const cause = (error as { cause?: { code?: string } }).cause;
      if ((method !== 'GET' && method !== 'HEAD') || cause?.code !== 'ECONNRESET') throw error;
      response = await send();
    }
    const text = await response.text();
    let parsed = {} as T;
    try {
      parsed = JSON.parse(text) as T;
    } catch {
      // a text body (metrics, docs): the caller reads `text`
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };

  return {
    dir,
    packsDir,
    store,
    engine,
    server,
    url: server.url,
    call,
    async close() {
      await server.close();
      await store.close();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
