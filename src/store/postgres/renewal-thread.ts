/**
 * Lease renewals on a worker thread with a connection of its own. A node's event loop
 * stalls for seconds when its CPU is starved (three nodes on two cores): renewals timed and
 * sent from that loop then go out late and its leases run out under live executions.
 * The thread keeps renewing through such stalls; a watchdog bounds how long it does so
 * for a loop that never comes back: the thread pings the loop, and with no answer for
 * watchdog_ms it stops renewing (until an answer comes), so peers take the work over.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { ExecutionLease, LeaseRenewer, LeaseRenewerOptions } from '../store.js';
import { RENEW } from './leases.js';

const BACKOFF_FIRST_MS = 200;

/** Where the thread connects: what the store's own pools use. */
export interface RenewalConnection {
  url: string;
  application_name: string;
  /** Start-up options (the search_path), as the store's pools pass them. */
  options?: string;
}

type FromThread =
  | { kind: 'ping' }
  | { kind: 'renewed'; started_at: number; rows: Array<{ execution_id: string; node_id: string; token: string; expires_at: string }> }
  | { kind: 'failed'; error: string }
  | { kind: 'wedged' };

// CommonJS, evaluated: no file to resolve next to this module (tests run it from src/).
// The thread boots while the node works, on its CPU: pg's stream module probes for
// Cloudflare with `new Response()` when `navigator` is undefined (Node 20), which loads
// undici, ~20-30 ms of a boot of ~100. The thread runs only this and pg, so it is given the
// `navigator` Node 21 and later define themselves.
const WORKER_SOURCE = `
if (typeof navigator === 'undefined') globalThis.navigator = { userAgent: 'Node.js/' + process.versions.node };
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const pg = require(workerData.driver);
const { sql, connection, node_id, lease_ms, heartbeat_ms, watchdog_ms, backoff_ms } = workerData;
const now = () => performance.timeOrigin + performance.now();
let client = null;
let stopped = false;
let failures = 0;
let answered = now();
let wedged = false;
let timer = null;
const drop = () => {
  const old = client;
  client = null;
  if (old) old.end().catch(() => undefined);
};
const connect = async () => {
  if (client) return client;
  const fresh = new pg.Client({ connectionString: connection.url, application_name: connection.application_name, ...(connection.options ? { options: connection.options } : {}) });
  fresh.on('error', () => { if (client === fresh) drop(); });
  await fresh.connect();
  if (stopped) { fresh.end().catch(() => undefined); throw new Error('stopped'); }
  client = fresh;
  return fresh;
};
const schedule = (ms) => {
  if (timer) clearTimeout(timer);
  timer = stopped ? null : setTimeout(renew, ms);
};
async function renew() {
  timer = null;
  if (stopped) return;
  if (now() - answered > watchdog_ms) {
    wedged = true;
    parentPort.postMessage({ kind: 'wedged' });
    return;
  }
  const started_at = now();
  let left = lease_ms;
  try {
    const { rows } = await (await connect()).query(sql, [node_id, lease_ms]);
    failures = 0;
    left = Math.max(0, lease_ms - (now() - started_at));
    if (!stopped) parentPort.postMessage({ kind: 'renewed', started_at, rows });
  } catch (error) {
    failures += 1;
    drop();
    if (!stopped) parentPort.postMessage({ kind: 'failed', error: String(error) });
  }
  // As the loop did: a slow answer leaves less than a heartbeat, so go again at half of what is left.
  schedule(failures === 0 ? Math.min(heartbeat_ms, left / 2) : Math.min(heartbeat_ms, backoff_ms * 2 ** (failures - 1)));
}
const pinger = setInterval(() => parentPort.postMessage({ kind: 'ping' }), Math.max(10, Math.min(heartbeat_ms, watchdog_ms / 4)));
parentPort.on('message', (message) => {
  if (message === 'pong') {
    answered = now();
    if (wedged) {
      wedged = false;
      schedule(0);
    }
  } else if (message === 'stop') {
    stopped = true;
    clearInterval(pinger);
    if (timer) clearTimeout(timer);
    const old = client;
    client = null;
    Promise.resolve(old && old.end()).catch(() => undefined).finally(() => parentPort.close());
  }
});
schedule(heartbeat_ms);
`;

/**
 * Starts renewing `options.node_id`'s leases on a worker thread (the first renewal one
 * heartbeat from now: the caller has just renewed). Reports arrive on the caller's loop.
 */
export function startRenewalThread(connection: RenewalConnection, options: LeaseRenewerOptions): LeaseRenewer {
  const driver = createRequire(import.meta.url).resolve('pg');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver,
      sql: RENEW,
      connection,
      node_id: options.node_id,
      lease_ms: options.lease_ms,
      heartbeat_ms: options.heartbeat_ms,
      watchdog_ms: options.watchdog_ms,
      backoff_ms: BACKOFF_FIRST_MS,
    },
  });
  // The node's own handles keep the process; the thread follows it.
  worker.unref();
  let exited = false;
  let stopping = false;
  let failure = 'exited';
  const exit = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exited = true;
      if (!stopping) options.on_ended(failure);
      resolve();
    }),
  );
  worker.on('error', (error) => {
    failure = String(error);
  });
  worker.on('message', (message: FromThread) => {
    switch (message.kind) {
      case 'ping':
        worker.postMessage('pong');
        return;
      case 'renewed':
        options.on_renewed(message.rows.map(toLease), message.started_at);
        return;
      case 'failed':
        options.on_failed(message.error);
        return;
      case 'wedged':
        options.on_wedged();
        return;
    }
  });
  return {
    async stop() {
      stopping = true;
      if (!exited) {
        // Held until it has closed its connection, or a closing process could end mid-close.
        worker.ref();
        worker.postMessage('stop');
      }
      await exit;
    },
  };
}

function toLease(row: { execution_id: string; node_id: string; token: string; expires_at: string }): ExecutionLease {
  return { execution_id: row.execution_id, node_id: row.node_id, token: Number(row.token), expires_at: row.expires_at };
}
