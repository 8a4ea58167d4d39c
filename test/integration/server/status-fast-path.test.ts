/**
 * The status fast path against the Koa path it stands in front of. Every request is sent
 * over a real socket to two servers on the same app: one whose listener is the fast path
 * (then Koa), one whose listener is Koa alone. Their answers must be the same — status,
 * every header in order (Date's and a generated request id's values aside), body bytes —
 * and so must the access-log line and the request metrics each one leaves. Each case also
 * says whether the fast path should have answered it, so a rule it stopped honouring shows
 * either as a different answer or as a request it should have handed on.
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionView } from '../../../src/core/wire.js';
import { createRequestListener } from '../../../src/server/request-listener.js';
import { createStatusFastPath, type StatusFastPath } from '../../../src/server/status-fast-path.js';
import { createToken, revokeToken } from '../../../src/server/tokens.js';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import { createEngine } from '../../../src/engine/index.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import { startServer } from '../../../src/server/start-server.js';
import { workflowBody } from '../../fixtures/workflow-body.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';
import { capturingLogger, countsAdded, listen, requestCounts, send as sendRaw, type Pair, type Raw } from './differential-wire.js';
import { openServer, type HarnessOptions, type ServerHarness } from './server-harness.js';

const send = (base: string, path: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<Raw> =>
  sendRaw(base, path, method, headers, body, 'base64');

const WIDE = ['version: 1.0.0', 'tasks:', ...Array.from({ length: 12 }, (_, i) => `  step_${i}:\n    action: core.noop`), ''].join('\n');
const ONE = 'version: 1.0.0\ntasks:\n  only:\n    action: core.noop\n';

/** What the comparison needs of a running server. */
type Served = Pick<ServerHarness, 'server' | 'engine' | 'store' | 'close'>;

interface Differential {
  h: Served;
  fast: StatusFastPath;
  logs: Array<Record<string, unknown>>;
  hot: Pair;
  koa: Pair;
  /** The headers of a plain, authorised read. */
  warm: Record<string, string>;
}

async function openDifferential(options: HarnessOptions, warm: Record<string, string>): Promise<Differential> {
  const logs: Array<Record<string, unknown>> = [];
  const h = await openServer({ ...options, logger: capturingLogger(logs), files: { 'demo/workflows/wide.yaml': WIDE, 'demo/workflows/one.yaml': ONE, ...options.files } });
  return differentialOn(h, logs, warm);
}

async function differentialOn(h: Served, logs: Array<Record<string, unknown>>, warm: Record<string, string>): Promise<Differential> {
  const fast = createStatusFastPath(h.server.app);
  return {
    h,
    fast,
    logs,
    hot: await listen(createServer(createRequestListener(h.server.app, fast))),
    koa: await listen(createServer(h.server.app.callback())),
    warm,
  };
}

async function closeDifferential(d: Differential): Promise<void> {
  for (const pair of [d.hot, d.koa]) {
    pair.server.closeAllConnections();
    await new Promise<void>((resolve) => pair.server.close(() => resolve()));
  }
  await d.h.close();
}

interface Outcome {
  answer: Raw;
  log: Array<Record<string, unknown>>;
  metrics: Record<string, number>;
  /** How many requests the fast path answered. */
  fast: number;
}

/** One request to one server, with what it logged and counted; ids and durations made comparable. */
async function observe(d: Differential, pair: Pair, path: string, method: string, headers: Record<string, string>, body?: string): Promise<Outcome> {
  const logsBefore = d.logs.length;
  const countsBefore = requestCounts(d.h.server.app);
  const fastBefore = d.fast.answered;
  const answer = await send(pair.url, path, method, headers, body);
  const givenId = headers['x-request-id'];
  const idAt = answer.headers.findIndex((name, i) => i % 2 === 0 && name.toLowerCase() === 'x-request-id');
  const id = answer.headers[idAt + 1];
  const generated = id !== givenId;
  const log = d.logs.slice(logsBefore).filter((line) => line.msg === 'request').map(({ time: _time, pid: _pid, hostname: _host, duration_ms: _duration, ...rest }) => {
    // The line names the id the answer carries; a generated one differs between the servers.
    expect(rest.request_id).toBe(id);
    return generated ? { ...rest, request_id: '<generated>' } : rest;
  });
  const headersOut = answer.headers.map((value, i) => {
    if (i % 2 === 0) return value;
    const name = (answer.headers[i - 1] ?? '').toLowerCase();
    if (name === 'date') return '<date>';
    if (name === 'x-request-id' && generated) return '<generated>';
    return value;
  });
  return { answer: { ...answer, headers: headersOut }, log, metrics: countsAdded(countsBefore, requestCounts(d.h.server.app)), fast: d.fast.answered - fastBefore };
}

interface Case {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * Sends the case to Koa first (so whatever it keeps is kept for both), then to the fast
 * path's server, twice over (a first request may change what the next sees), and checks
 * each pair of outcomes is the same; returns the fast path's second.
 */
async function compare(d: Differential, c: Case): Promise<Outcome> {
  const method = c.method ?? 'GET';
  const headers = c.headers ?? {};
  let hot: Outcome | undefined;
  for (let round = 0; round < 2; round += 1) {
    // What the case may have left unkept (a token learnt moves the masker's generation), another poller keeps again.
    await send(d.koa.url, c.path, 'GET', d.warm);
    const koa = await observe(d, d.koa, c.path, method, headers, c.body);
    hot = await observe(d, d.hot, c.path, method, headers, c.body);
    expect(koa.fast).toBe(0);
    expect({ answer: hot.answer, log: hot.log, metrics: hot.metrics }).toEqual({ answer: koa.answer, log: koa.log, metrics: koa.metrics });
    expect(hot.log).toHaveLength(1);
  }
  return hot as Outcome;
}

async function run(h: Served, ref: string, token: string | undefined, input: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${h.server.url}/api/executions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ workflow_ref: ref, input }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as ExecutionView).execution_id;
}

describe('the status fast path with API tokens, a token file and an allowed origin', () => {
  let d: Differential;
  let dir: string;
  let tokenFile: string;
  let wide: string;
  let one: string;
  let running: string;
  let etag: string;
  const file: Record<string, string> = {};
  const admin = { authorization: 'Bearer admin-tok' };
  const reader = { authorization: 'Bearer reader-tok' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-fast-path-'));
    tokenFile = join(dir, 'tokens.json');
    file.reader = createToken(tokenFile, { scopes: ['read'], label: 'dashboard' }).token;
    file.expired = createToken(tokenFile, { scopes: ['admin'], expires_in_seconds: 1, now: new Date('2020-01-01T00:00:00Z') }).token;
    const revoked = createToken(tokenFile, { scopes: ['admin'] });
    revokeToken(tokenFile, revoked.record.id);
    file.revoked = revoked.token;
    d = await openDifferential({
      server: { tokens: 'admin-tok,reader-tok:read,trigger-tok:trigger', token_file: tokenFile, allowed_origins: ['https://ui.example'] },
    }, admin);
    wide = await run(d.h, 'demo.wide', 'admin-tok');
    one = await run(d.h, 'demo.one', 'admin-tok');
    await d.h.engine.waitForCompletion(wide);
    await d.h.engine.waitForCompletion(one);
    running = await run(d.h, 'demo.slow', 'admin-tok');
    const first = await send(d.koa.url, `/api/executions/${wide}`, 'GET', admin);
    etag = first.headers[first.headers.findIndex((n) => n.toLowerCase() === 'etag') + 1] ?? '';
    expect(Buffer.from(first.body, 'base64').length).toBeGreaterThanOrEqual(1024); // gzip applies to it
    const small = await send(d.koa.url, `/api/executions/${one}`, 'GET', admin);
    expect(Buffer.from(small.body, 'base64').length).toBeLessThan(1024); // and not to this one
  });
  afterAll(async () => {
    await closeDifferential(d);
    rmSync(dir, { recursive: true, force: true });
  });

  const answered = (label: string, make: () => Case, expected: { status: number; fast: 0 | 1 }) =>
    it(`${label}: ${expected.status}, ${expected.fast === 1 ? 'answered by the fast path' : 'handed to Koa'}, as Koa answers it`, async () => {
      const outcome = await compare(d, make());
      expect(outcome.answer.status).toBe(expected.status);
      expect(outcome.fast).toBe(expected.fast);
    });

  answered('an admin token', () => ({ path: `/api/executions/${wide}`, headers: admin }), { status: 200, fast: 1 });
  answered('a read token', () => ({ path: `/api/executions/${wide}`, headers: reader }), { status: 200, fast: 1 });
  answered('a read token from the token file', () => ({ path: `/api/executions/${wide}`, headers: { authorization: `Bearer ${file.reader}` } }), { status: 200, fast: 1 });
  answered('no token', () => ({ path: `/api/executions/${wide}` }), { status: 401, fast: 0 });
  answered('an unknown token', () => ({ path: `/api/executions/${wide}`, headers: { authorization: 'Bearer nope-nope' } }), { status: 401, fast: 0 });
  answered('a malformed Authorization', () => ({ path: `/api/executions/${wide}`, headers: { authorization: 'Basic YWRtaW4tdG9rOg==' } }), { status: 401, fast: 0 });
  answered('an expired file token', () => ({ path: `/api/executions/${wide}`, headers: { authorization: `Bearer ${file.expired}` } }), { status: 401, fast: 0 });
  answered('a revoked file token', () => ({ path: `/api/executions/${wide}`, headers: { authorization: `Bearer ${file.revoked}` } }), { status: 401, fast: 0 });
  answered('a token without the read scope', () => ({ path: `/api/executions/${wide}`, headers: { authorization: 'Bearer trigger-tok' } }), { status: 403, fast: 0 });
  answered('an allowed Origin', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, origin: 'https://ui.example' } }), { status: 200, fast: 1 });
  answered('an allowed Origin with gzip', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, origin: 'https://ui.example', 'accept-encoding': 'gzip' } }), { status: 200, fast: 1 });
  answered('another Origin', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, origin: 'https://evil.example' } }), { status: 200, fast: 1 });
  answered('If-None-Match naming the ETag', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'if-none-match': etag } }), { status: 304, fast: 1 });
  answered('If-None-Match listing it after another', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'if-none-match': `W/"other", ${etag.replace(/^W\//, '')}` } }), { status: 304, fast: 1 });
  answered('If-None-Match: *', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'if-none-match': '*' } }), { status: 304, fast: 1 });
  answered('If-None-Match of another answer', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'if-none-match': 'W/"stale"', 'accept-encoding': 'gzip' } }), { status: 200, fast: 1 });
  answered('an allowed Origin and a matching If-None-Match', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, origin: 'https://ui.example', 'if-none-match': etag } }), { status: 304, fast: 1 });
  answered('HEAD', () => ({ path: `/api/executions/${wide}`, method: 'HEAD', headers: { ...admin, 'accept-encoding': 'gzip' } }), { status: 200, fast: 1 });
  answered('HEAD with a matching If-None-Match', () => ({ path: `/api/executions/${wide}`, method: 'HEAD', headers: { ...admin, 'if-none-match': etag } }), { status: 304, fast: 1 });
  answered('Accept-Encoding: gzip', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'accept-encoding': 'gzip' } }), { status: 200, fast: 1 });
  answered('Accept-Encoding: gzip, deflate, br', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'accept-encoding': 'gzip, deflate, br' } }), { status: 200, fast: 1 });
  answered('Accept-Encoding: GZIP', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'accept-encoding': 'GZIP' } }), { status: 200, fast: 1 });
  answered('Accept-Encoding: br', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'accept-encoding': 'br' } }), { status: 200, fast: 1 });
  answered('Accept-Encoding: identity', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'accept-encoding': 'identity' } }), { status: 200, fast: 1 });
  answered('Accept-Encoding: identity, gzip', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'accept-encoding': 'identity, gzip' } }), { status: 200, fast: 1 });
  answered('Accept-Encoding: gzip;q=0', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'accept-encoding': 'gzip;q=0' } }), { status: 200, fast: 0 });
  answered('Accept-Encoding: br;q=1, gzip;q=0.5', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'accept-encoding': 'br;q=1, gzip;q=0.5' } }), { status: 200, fast: 0 });
  answered('Accept-Encoding: *', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'accept-encoding': '*' } }), { status: 200, fast: 0 });
  answered('gzip asked of an answer under 1 KiB', () => ({ path: `/api/executions/${one}`, headers: { ...admin, 'accept-encoding': 'gzip' } }), { status: 200, fast: 1 });
  answered('a sane X-Request-Id', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'x-request-id': 'poll-42' } }), { status: 200, fast: 1 });
  answered('an X-Request-Id that is not sane', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'x-request-id': 'no spaces allowed' } }), { status: 200, fast: 1 });
  answered('/api/v1', () => ({ path: `/api/v1/executions/${wide}`, headers: admin }), { status: 200, fast: 1 });
  answered('a trailing slash', () => ({ path: `/api/executions/${wide}/`, headers: admin }), { status: 200, fast: 1 });
  answered('upper-case static segments', () => ({ path: `/API/Executions/${wide}`, headers: admin }), { status: 200, fast: 1 });
  answered('an unknown query parameter', () => ({ path: `/api/executions/${wide}?verbose=1`, headers: admin }), { status: 400, fast: 0 });
  answered('an empty query', () => ({ path: `/api/executions/${wide}?`, headers: admin }), { status: 200, fast: 0 });
  answered('two slashes', () => ({ path: `/api/executions//${wide}`, headers: admin }), { status: 404, fast: 0 });
  answered('an unknown execution', () => ({ path: '/api/executions/00000000-0000-4000-8000-000000000000', headers: admin }), { status: 404, fast: 0 });
  it('hands a read of a running execution to Koa', async () => {
    // Not compared: the engine moves the row between the two reads.
    const outcome = await observe(d, d.hot, `/api/executions/${running}`, 'GET', admin);
    expect(outcome.answer.status).toBe(200);
    expect(outcome.fast).toBe(0);
  });
  answered('the summary route next to it', () => ({ path: `/api/executions/${wide}/summary`, headers: admin }), { status: 200, fast: 0 });
  answered('a header the fast path does not know', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'x-forwarded-for': '10.0.0.1' } }), { status: 200, fast: 0 });
  answered('a request body', () => ({ path: `/api/executions/${wide}`, headers: { ...admin, 'content-type': 'application/json', 'content-length': '2' }, body: '{}' }), { status: 200, fast: 0 });
  answered('a POST to the same path', () => ({ path: `/api/executions/${wide}`, method: 'POST', headers: admin }), { status: 404, fast: 0 });

  it('hands the first read after a write to Koa, then answers the new kept answer', async () => {
    await d.h.store.executions.updateExecution(one, { output: { changed: 'here' }, updated_at: new Date().toISOString() });
    const fastBefore = d.fast.answered;
    const moved = await observe(d, d.hot, `/api/executions/${one}`, 'GET', admin);
    expect(moved.fast).toBe(0);
    expect(JSON.parse(Buffer.from(moved.answer.body, 'base64').toString()).output).toEqual({ changed: 'here' });
    const outcome = await compare(d, { path: `/api/executions/${one}`, headers: admin });
    expect(outcome.fast).toBe(1);
    expect(d.fast.answered - fastBefore).toBe(2);
  });

  it('answers a kept read that came while a transaction held the connection, once it closed', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const open = d.h.store.transaction(async () => {
      entered();
      await held;
    });
    await inside;
    // Runs after the fast path's own listener: the request is waiting on the mark's promise.
    d.hot.server.once('request', () => release());
    const outcome = await observe(d, d.hot, `/api/executions/${wide}`, 'GET', admin);
    await open;
    expect(outcome.answer.status).toBe(200);
    expect(outcome.fast).toBe(1);
    const koa = await observe(d, d.koa, `/api/executions/${wide}`, 'GET', admin);
    expect(Buffer.from(outcome.answer.body, 'base64')).toEqual(Buffer.from(koa.answer.body, 'base64'));
  });

  it('learns a token from the token file when the fast path sees it first, as Koa does', async () => {
    const token = createToken(tokenFile, { scopes: ['read'] }).token;
    expect(d.h.engine.secrets.maskText(token)).toBe(token);
    const outcome = await observe(d, d.hot, `/api/executions/${wide}`, 'GET', { authorization: `Bearer ${token}` });
    expect(outcome.answer.status).toBe(200);
    expect(d.h.engine.secrets.maskText(token)).not.toBe(token);
  });

  it('masks a secret learnt after the answer was kept, as Koa does', async () => {
    const id = await run(d.h, 'demo.hello', 'admin-tok', { who: 'zanzibar-quokka' });
    await d.h.engine.waitForCompletion(id);
    const before = await compare(d, { path: `/api/executions/${id}`, headers: admin });
    expect(before.fast).toBe(1);
    expect(Buffer.from(before.answer.body, 'base64').toString()).toContain('zanzibar-quokka');
    d.h.engine.secrets.add(['zanzibar-quokka']);
    const after = await observe(d, d.hot, `/api/executions/${id}`, 'GET', admin);
    expect(after.fast).toBe(0);
    expect(Buffer.from(after.answer.body, 'base64').toString()).not.toContain('zanzibar-quokka');
    const again = await compare(d, { path: `/api/executions/${id}`, headers: admin });
    expect(again.fast).toBe(1);
    expect(Buffer.from(again.answer.body, 'base64').toString()).not.toContain('zanzibar-quokka');
  });
});

describe('the status fast path without tokens (the loopback Host rule) and any origin allowed', () => {
  let d: Differential;
  let wide: string;
  let port: string;

  beforeAll(async () => {
    d = await openDifferential({ server: { allowed_origins: ['*'] } }, {});
    wide = await run(d.h, 'demo.wide', undefined);
    await d.h.engine.waitForCompletion(wide);
    port = new URL(d.hot.url).port;
    await send(d.koa.url, `/api/executions/${wide}`, 'GET', {});
  });
  afterAll(async () => {
    await closeDifferential(d);
  });

  const answered = (label: string, make: () => Case, expected: { status: number; fast: 0 | 1 }) =>
    it(`${label}: ${expected.status}, ${expected.fast === 1 ? 'answered by the fast path' : 'handed to Koa'}, as Koa answers it`, async () => {
      const outcome = await compare(d, make());
      expect(outcome.answer.status).toBe(expected.status);
      expect(outcome.fast).toBe(expected.fast);
    });

  answered('Host 127.0.0.1', () => ({ path: `/api/executions/${wide}` }), { status: 200, fast: 1 });
  answered('Host localhost with a port', () => ({ path: `/api/executions/${wide}`, headers: { host: `localhost:${port}` } }), { status: 200, fast: 1 });
  answered('Host [::1]', () => ({ path: `/api/executions/${wide}`, headers: { host: `[::1]:${port}` } }), { status: 200, fast: 1 });
  answered('a foreign Host', () => ({ path: `/api/executions/${wide}`, headers: { host: 'rebind.example' } }), { status: 403, fast: 0 });
  answered('a bearer token nobody asked for', () => ({ path: `/api/executions/${wide}`, headers: { authorization: 'Bearer whatever-it-is' } }), { status: 200, fast: 1 });
  answered('any Origin, with gzip', () => ({ path: `/api/executions/${wide}`, headers: { origin: 'https://anywhere.example', 'accept-encoding': 'gzip, deflate' } }), { status: 200, fast: 1 });
  answered('any Origin, HEAD', () => ({ path: `/api/executions/${wide}`, method: 'HEAD', headers: { origin: 'https://anywhere.example' } }), { status: 200, fast: 1 });
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('the status fast path on PostgreSQL, which keeps no change marks'), () => {
  const db = usePgSchema();
  let d: Differential;
  let wide: string;
  let dir: string;
  const admin = { authorization: 'Bearer admin-tok' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-fast-path-pg-'));
    const store = await db.openStore();
    await store.registry.upsertPack({ ref: 'demo', version: '1.0.0', dependencies: [] });
    await store.registry.addVersion({
      kind: 'workflow', ref: 'demo.wide', pack_ref: 'demo', content_hash: 'wide', source: WIDE, file: 'workflows/wide.yaml', origin: { source: 'local' },
      body: workflowBody(Array.from({ length: 12 }, (_, i) => ({ id: `step_${i}`, action: 'core.noop' }))),
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
    d = await differentialOn({ server, engine, store, close: () => server.close() }, logs, admin);
    wide = await run(d.h, 'demo.wide', 'admin-tok');
    await engine.waitForCompletion(wide);
  });
  afterAll(async () => {
    await closeDifferential(d);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['a plain read', {}],
    ['a read asking for gzip', { 'accept-encoding': 'gzip' }],
    ['a conditional read', { 'if-none-match': '*' }],
  ])('hands %s of a finished execution to Koa', async (_label, headers: Record<string, string>) => {
    const outcome = await compare(d, { path: `/api/executions/${wide}`, headers: { ...admin, ...headers } });
    expect(outcome.answer.status).toBeLessThan(400);
    expect(outcome.fast).toBe(0);
  });
});
