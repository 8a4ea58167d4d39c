/**
 * The start fast path against the Koa path it stands in front of. Every request is sent
 * over a real socket to two servers on the same app: one whose listener is the fast paths
 * (then Koa), one whose listener is Koa alone. Their answers must be the same — status,
 * every header in order (Date's and a generated request id's values aside), the body (a
 * new execution's id and times aside) — and so must the access-log line, the request
 * metrics and the number of executions each request started. Each case also says whether
 * the fast path should have answered it.
 */
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestListener } from '../../../src/server/request-listener.js';
import { createStartFastPath, type StartFastPath } from '../../../src/server/start-fast-path.js';
import { createStatusFastPath } from '../../../src/server/status-fast-path.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import { createEngine } from '../../../src/engine/index.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import { startServer } from '../../../src/server/start-server.js';
import { workflowBody } from '../../fixtures/workflow-body.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';
import { capturingLogger, countsAdded, listen, requestCounts, send as sendRaw, type Pair, type Raw } from './differential-wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

// latin1 keeps a gzipped body's bytes; JSON answers here are ASCII.
const send = (base: string, path: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<Raw> =>
  sendRaw(base, path, method, headers, body, 'latin1');

const ONE = 'version: 1.0.0\ntasks:\n  only:\n    action: core.noop\n';
const TYPED = 'version: 1.0.0\ninput:\n  count:\n    type: integer\n    required: true\ntasks:\n  only:\n    action: core.noop\n';
const MAX_BODY = 4096;

interface Differential {
  h: Pick<ServerHarness, 'server' | 'store' | 'close'>;
  start: StartFastPath;
  logs: Array<Record<string, unknown>>;
  hot: Pair;
  koa: Pair;
}

interface Outcome {
  answer: Raw;
  log: Array<Record<string, unknown>>;
  metrics: Record<string, number>;
  /** Executions the request started. */
  started: number;
  /** How many requests the start fast path answered. */
  fast: number;
}

async function executionCount(d: Differential): Promise<number> {
  return (await d.h.store.executions.listExecutions({ limit: 1 })).total;
}

function isGzipped(raw: Raw): boolean {
  return raw.headers.some((value, i) => i % 2 === 1 && value === 'gzip' && raw.headers[i - 1]?.toLowerCase() === 'content-encoding');
}

/** A new execution's id and times differ between the servers; everything else must not. */
function comparableBody(raw: Raw): string {
  if (raw.status !== 201) return raw.body;
  const text = isGzipped(raw) ? gunzipSync(Buffer.from(raw.body, 'latin1')).toString('utf8') : raw.body;
  const view = JSON.parse(text) as Record<string, unknown>;
  for (const key of ['id', 'execution_id', 'created_at', 'updated_at']) {
    expect(typeof view[key]).toBe('string');
    view[key] = `<${key}>`;
  }
  // A no-op run can end within the request, so its end time differs too.
  if (view.finished_at !== null) {
    expect(typeof view.finished_at).toBe('string');
    view.finished_at = '<finished_at>';
  }
  return JSON.stringify(view);
}

async function observe(d: Differential, pair: Pair, c: Case): Promise<Outcome> {
  const logsBefore = d.logs.length;
  const countsBefore = requestCounts(d.h.server.app);
  const fastBefore = d.start.answered;
  const executionsBefore = await executionCount(d);
  const answer = await send(pair.url, c.path ?? '/api/executions', 'POST', c.headers, c.body);
  const givenId = c.headers['x-request-id'];
  const idAt = answer.headers.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'x-request-id');
  const id = answer.headers[idAt + 1];
  const generated = id !== givenId;
  const log = d.logs.slice(logsBefore).filter((line) => line.msg === 'request').map(({ time: _time, pid: _pid, hostname: _host, duration_ms: _duration, ...rest }) => {
    expect(rest.request_id).toBe(id);
    return generated ? { ...rest, request_id: '<generated>' } : rest;
  });
  const gzipped = isGzipped(answer);
  const headersOut = answer.headers.map((value, i) => {
    if (i % 2 === 0) return value;
    const name = (answer.headers[i - 1] ?? '').toLowerCase();
    if (name === 'date') return '<date>';
    if (name === 'x-request-id' && generated) return '<generated>';
    // A new execution's id and times compress differently on each server.
    if (name === 'content-length' && gzipped && answer.status === 201) return '<gzipped length>';
    return value;
  });
  return {
    answer: { ...answer, headers: headersOut, body: comparableBody(answer) },
    log,
    metrics: countsAdded(countsBefore, requestCounts(d.h.server.app)),
    started: (await executionCount(d)) - executionsBefore,
    fast: d.start.answered - fastBefore,
  };
}

interface Case {
  path?: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** Sends the case to Koa alone, then to the fast paths' server, and checks both outcomes are the same. */
async function compare(d: Differential, c: Case): Promise<Outcome> {
  const koa = await observe(d, d.koa, c);
  const hot = await observe(d, d.hot, c);
  expect(koa.fast).toBe(0);
  expect({ answer: hot.answer, log: hot.log, metrics: hot.metrics, started: hot.started }).toEqual({ answer: koa.answer, log: koa.log, metrics: koa.metrics, started: koa.started });
  expect(hot.log).toHaveLength(1);
  return hot;
}

const json = { 'content-type': 'application/json' };
const admin = { ...json, authorization: 'Bearer admin-tok' };
const start = (input: Record<string, unknown> = {}, ref = 'demo.one'): string => JSON.stringify({ workflow_ref: ref, input });

describe('the start fast path with API tokens and an allowed origin', () => {
  let d: Differential;

  beforeAll(async () => {
    const logs: Array<Record<string, unknown>> = [];
    const h = await openServer({
      logger: capturingLogger(logs),
      files: { 'demo/workflows/one.yaml': ONE, 'demo/workflows/typed.yaml': TYPED },
      server: { tokens: 'admin-tok,reader-tok:read', allowed_origins: ['https://ui.example'], max_body_bytes: MAX_BODY },
    });
    const start = createStartFastPath(h.server.app);
    d = {
      h,
      start,
      logs,
      hot: await listen(createServer(createRequestListener(h.server.app, createStatusFastPath(h.server.app), start))),
      koa: await listen(createServer(h.server.app.callback())),
    };
    // A key used once already: both servers answer its replay with the same execution.
    const first = await send(d.koa.url, '/api/executions', 'POST', { ...admin, 'idempotency-key': 'used-key' }, start_('used'));
    expect(first.status).toBe(201);
  });
  afterAll(async () => {
    for (const pair of [d.hot, d.koa]) {
      pair.server.closeAllConnections();
      await new Promise<void>((resolve) => pair.server.close(() => resolve()));
    }
    await d.h.close();
  });

  function start_(tag: string): string {
    return start({ tag });
  }

  const answered = (label: string, make: () => Case, expected: { status: number; fast: 0 | 1; started?: number }) =>
    it(`${label}: ${expected.status}, ${expected.fast === 1 ? 'answered by the fast path' : 'handed to Koa'}, as Koa answers it`, async () => {
      const outcome = await compare(d, make());
      expect(outcome.answer.status).toBe(expected.status);
      expect(outcome.fast).toBe(expected.fast);
      expect(outcome.started).toBe(expected.started ?? (expected.status === 201 ? 1 : 0));
    });

  answered('a start', () => ({ headers: admin, body: start() }), { status: 201, fast: 1 });
  answered('a start under /api/v1', () => ({ path: '/api/v1/executions', headers: admin, body: start() }), { status: 201, fast: 1 });
  answered('a start with an X-Request-Id', () => ({ headers: { ...admin, 'x-request-id': 'req-42' }, body: start() }), { status: 201, fast: 1 });
  answered('a start with an insane X-Request-Id', () => ({ headers: { ...admin, 'x-request-id': 'no spaces allowed' }, body: start() }), { status: 201, fast: 1 });
  answered('an input with a secret-named key', () => ({ headers: admin, body: start({ password: 'hunter2-s3cr3t', user: 'ada' }) }), { status: 201, fast: 1 });
  answered('an input that makes the answer 1 KiB or more', () => ({ headers: admin, body: start({ text: 'x'.repeat(1500) }) }), { status: 201, fast: 0 });
  answered('a replayed Idempotency-Key', () => ({ headers: { ...admin, 'idempotency-key': 'used-key' }, body: start_('used') }), { status: 200, fast: 1 });
  answered('an Idempotency-Key reused for another request', () => ({ headers: { ...admin, 'idempotency-key': 'used-key' }, body: start_('other') }), { status: 422, fast: 0 });
  answered('an Idempotency-Key with a space', () => ({ headers: { ...admin, 'idempotency-key': 'bad key' }, body: start() }), { status: 400, fast: 0 });
  answered('an unknown workflow', () => ({ headers: admin, body: start({}, 'demo.nope') }), { status: 404, fast: 0 });
  answered("an input the workflow's spec refuses", () => ({ headers: admin, body: start({ count: 'many' }, 'demo.typed') }), { status: 422, fast: 0 });
  answered('a body the schema refuses', () => ({ headers: admin, body: JSON.stringify({ input: {} }) }), { status: 400, fast: 0 });
  answered('a body with an unknown field', () => ({ headers: admin, body: JSON.stringify({ workflow_ref: 'demo.one', extra: 1 }) }), { status: 400, fast: 0 });
  answered('a body that is not JSON', () => ({ headers: admin, body: '{"workflow_ref": ' }), { status: 400, fast: 0 });
  answered('a body that is not UTF-8', () => ({ headers: admin, body: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) }), { status: 400, fast: 0 });
  answered('an empty JSON body', () => ({ headers: { ...admin, 'content-length': '0' }, body: '' }), { status: 400, fast: 0 });
  answered('a body over max_body_bytes', () => ({ headers: admin, body: start({ text: 'x'.repeat(MAX_BODY) }) }), { status: 413, fast: 0 });
  answered('a YAML body', () => ({ headers: { ...admin, 'content-type': 'application/yaml' }, body: 'workflow_ref: demo.one\n' }), { status: 415, fast: 0 });
  answered('no token', () => ({ headers: json, body: start() }), { status: 401, fast: 0 });
  answered('a read token', () => ({ headers: { ...json, authorization: 'Bearer reader-tok' }, body: start() }), { status: 403, fast: 0 });
  answered('an allowed Origin', () => ({ headers: { ...admin, origin: 'https://ui.example' }, body: start() }), { status: 201, fast: 0 });
  answered('another Origin', () => ({ headers: { ...admin, origin: 'https://evil.example' }, body: start() }), { status: 403, fast: 0 });
  answered('a query string', () => ({ path: '/api/executions?x=1', headers: admin, body: start() }), { status: 400, fast: 0 });
  answered('an unknown header', () => ({ headers: { ...admin, 'x-forwarded-for': '10.0.0.1' }, body: start() }), { status: 201, fast: 0 });
  answered('Accept-Encoding, an answer under 1 KiB', () => ({ headers: { ...admin, 'accept-encoding': 'gzip' }, body: start() }), { status: 201, fast: 1 });
  answered('Accept-Encoding, an answer over 1 KiB', () => ({ headers: { ...admin, 'accept-encoding': 'gzip' }, body: start({ text: 'x'.repeat(1500) }) }), { status: 201, fast: 0 });
  answered("fetch's headers", () => ({ headers: { ...admin, accept: '*/*', 'accept-language': '*', 'sec-fetch-mode': 'cors', 'user-agent': 'node', 'accept-encoding': 'gzip, deflate' }, body: start() }), { status: 201, fast: 1 });
});

describe('the start fast path without tokens', () => {
  let d: Differential;

  beforeAll(async () => {
    const logs: Array<Record<string, unknown>> = [];
    const h = await openServer({ logger: capturingLogger(logs), files: { 'demo/workflows/one.yaml': ONE } });
    const start = createStartFastPath(h.server.app);
    d = {
      h,
      start,
      logs,
      hot: await listen(createServer(createRequestListener(h.server.app, createStatusFastPath(h.server.app), start))),
      koa: await listen(createServer(h.server.app.callback())),
    };
  });
  afterAll(async () => {
    for (const pair of [d.hot, d.koa]) {
      pair.server.closeAllConnections();
      await new Promise<void>((resolve) => pair.server.close(() => resolve()));
    }
    await d.h.close();
  });

  it('answers a start to a loopback Host itself, as Koa does', async () => {
    const outcome = await compare(d, { headers: json, body: start() });
    expect([outcome.answer.status, outcome.fast, outcome.started]).toEqual([201, 1, 1]);
  });

  it('hands a start to another Host to Koa, which refuses it', async () => {
    const outcome = await compare(d, { headers: { ...json, host: 'harmonia.example' }, body: start() });
    expect([outcome.answer.status, outcome.fast, outcome.started]).toEqual([403, 0, 0]);
  });
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('the start fast path on PostgreSQL'), () => {
  const db = usePgSchema();
  let d: Differential;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-start-path-pg-'));
    const store = await db.openStore();
    await store.registry.upsertPack({ ref: 'demo', version: '1.0.0', dependencies: [] });
    await store.registry.addVersion({
      kind: 'workflow', ref: 'demo.one', pack_ref: 'demo', content_hash: 'one', source: ONE, file: 'workflows/one.yaml', origin: { source: 'local' },
      body: workflowBody([{ id: 'only', action: 'core.noop' }]),
    });
    const engine = createEngine({ store, actions: createActionRegistry({ packs: () => null }), config: { packs_dir: dir } });
    const logs: Array<Record<string, unknown>> = [];
    const server = await startServer({
      store,
      engine,
      packs: createPackSyncService({ store, packsDir: dir }),
      host: '127.0.0.1',
      port: 0,
      logger: capturingLogger(logs),
      options: { tokens: 'admin-tok' },
    });
    const start = createStartFastPath(server.app);
    d = {
      h: { server, store, close: () => server.close() },
      start,
      logs,
      hot: await listen(createServer(createRequestListener(server.app, createStatusFastPath(server.app), start))),
      koa: await listen(createServer(server.app.callback())),
    };
    const first = await send(d.koa.url, '/api/executions', 'POST', { ...admin, 'idempotency-key': 'pg-key' }, start_());
    expect(first.status).toBe(201);
  });
  afterAll(async () => {
    for (const pair of [d.hot, d.koa]) {
      pair.server.closeAllConnections();
      await new Promise<void>((resolve) => pair.server.close(() => resolve()));
    }
    await d.h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start_(): string {
    return start({ on: 'pg' });
  }

  it('answers a start itself, as Koa does', async () => {
    const outcome = await compare(d, { headers: admin, body: start_() });
    expect([outcome.answer.status, outcome.fast, outcome.started]).toEqual([201, 1, 1]);
  });

  it('answers a replayed Idempotency-Key itself, as Koa does', async () => {
    const outcome = await compare(d, { headers: { ...admin, 'idempotency-key': 'pg-key' }, body: start_() });
    expect([outcome.answer.status, outcome.fast, outcome.started]).toEqual([200, 1, 0]);
  });

  it('hands an unknown workflow to Koa', async () => {
    const outcome = await compare(d, { headers: admin, body: start({}, 'demo.nope') });
    expect([outcome.answer.status, outcome.fast, outcome.started]).toEqual([404, 0, 0]);
  });
});
