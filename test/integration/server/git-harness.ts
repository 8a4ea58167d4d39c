/**
 * A real server in GitOps mode for the git route tests: a bare remote and a working
 * clone in a temp dir (file:// URL), a SQLite store, and serveHarmonia following the
 * remote on 127.0.0.1 port 0. Polling is off, so only webhooks and POST /git/sync sync.
 */
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { resolveConfig } from '../../../src/config.js';
import type { PackEvent } from '../../../src/gitops/pack-events.js';
import { serveHarmonia, type ServedHarmonia } from '../../../src/server/serve.js';
import { createGitFixture, packYaml, workflowYaml, type GitFixture } from '../gitops/git-fixture.js';
import { readSse, type SseMessage } from './sse-client.js';

export const TOKEN = 'admin-tok';
export const READER = 'reader-tok';
export const SECRET = 'whsec-3f9a';

export interface GitServer {
  repo: GitFixture;
  server: ServedHarmonia;
  url: string;
  /** The sha of the first commit, synced at start. */
  first: string;
  call<T = Record<string, unknown>>(method: string, path: string, options?: { json?: unknown; token?: string | null }): Promise<{ status: number; body: T }>;
  /** POSTs a push webhook with `headers` over the exact bytes of `body`. */
  webhook(body: string, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** `sha256=<hex>` of `body` under `secret`, as GitHub signs a delivery. */
export function githubSignature(body: string, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** A GitHub push payload for main at `sha`. */
export function pushBody(sha: string): string {
  return JSON.stringify({ ref: 'refs/heads/main', after: sha, repository: { full_name: 'acme/workflows' } });
}

/** Starts the remote with pack `ops` (workflow `ops.deploy`, description `first`) and a server following it. */
export async function openGitServer(): Promise<GitServer> {
  const repo = createGitFixture();
  repo.write('packs/ops/pack.yaml', packYaml('ops'));
  repo.write('packs/ops/workflows/deploy.yaml', workflowYaml('first'));
  const first = repo.commit('ops: first deploy');
  const config = resolveConfig(
    { port: 0, host: '127.0.0.1' },
    {
      HARMONIA_DATA_DIR: repo.dataDir,
      HARMONIA_PACKS_DIR: join(repo.root, 'unused-packs'),
      HARMONIA_API_TOKENS: `${TOKEN},${READER}:read`,
      HARMONIA_GIT_URL: repo.url,
      HARMONIA_GIT_WEBHOOK_SECRET: SECRET,
      HARMONIA_GIT_POLL_INTERVAL: '0',
    },
  );
  const server = await serveHarmonia({
    config,
    store: repo.store,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    version: '9.9.9-test',
    logger: pino({ level: 'silent' }),
  });
  const call = async <T,>(method: string, path: string, options: { json?: unknown; token?: string | null } = {}) => {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? TOKEN : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
  return {
    repo,
    server,
    url: server.url,
    first,
    call,
    async webhook(body, headers) {
      const response = await fetch(`${server.url}/api/v1/git/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    async close() {
      await server.close();
      await repo.cleanup();
    },
  };
}

/** Matches a pack event by type and, optionally, by what else it says. */
export type PackEventMatch = { type: PackEvent['event_type']; where?: (event: PackEvent) => boolean };

const matches = (event: PackEvent, match: PackEventMatch) => event.event_type === match.type && (match.where?.(event) ?? true);

/**
 * Opens /events and resolves once the stream is open; `next` then resolves with the first
 * pack event that matches (and closes the stream).
 */
export async function openPackEventStream(url: string, match: PackEventMatch, token = TOKEN): Promise<{ next: Promise<PackEvent> }> {
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  const parse = (message: SseMessage) => (message.event === match.type ? (JSON.parse(message.data) as PackEvent) : null);
  const reading = readSse(`${url}/events`, {
    headers: { authorization: `Bearer ${token}` },
    onOpen: opened,
    until: (message) => {
      const event = parse(message);
      return event !== null && matches(event, match);
    },
  });
  await Promise.race([open, reading]);
  const next = reading.then(({ messages }) => {
    const found = messages.find((message) => {
      const event = parse(message);
      return event !== null && matches(event, match);
    });
    if (!found) throw new Error(`the stream ended without a matching '${match.type}' event`);
    expectNoId(found);
    return JSON.parse(found.data) as PackEvent;
  });
  return { next };
}

function expectNoId(message: SseMessage): void {
  if (message.id !== undefined) throw new Error(`pack event '${message.event}' carried an id '${message.id}'`);
}

/** Opens /ws/events and resolves once connected; `next` resolves with the first pack event that matches. */
export async function openPackEventSocket(url: string, match: PackEventMatch): Promise<{ next: Promise<PackEvent>; close(): void }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const next = new Promise<PackEvent>((resolve, reject) => {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as PackEvent;
      if (matches(message, match)) resolve(message);
    });
    ws.on('close', () => reject(new Error(`the socket closed before a matching '${match.type}' event`)));
  });
  // A rejection after a deliberate close is expected: keep it from being reported as unhandled.
  next.catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { next, close: () => ws.close() };
}

export { workflowYaml };
