/**
 * Three node processes on one PostgreSQL schema run fan-out/fan-in executions of a pack
 * whose shell action logs every run; one node is killed with SIGKILL mid-way. The
 * survivors, busy with executions of their own that they keep starting, carry its
 * executions on (default lease settings, a 15 s lease; a killed node's go at once by its liveness lock;
 * HARMONIA_LEASE_MS sets the nodes' lease to try another). Only the killed node's
 * tasks run again: the survivors never re-run their own. The failover time is printed,
 * not asserted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { register, workflow } from '../engine/helpers.js';
import { TEST_DATABASE_URL, pgSuiteName, usePgSchema } from '../store/pg-test-db.js';

const here = dirname(fileURLToPath(import.meta.url));
const nodeMain = join(here, 'node-main.mjs');
const dist = join(here, '../../../dist/cluster/index.js');
/** Started up front, a third per node; HARMONIA_TEST_EXECUTIONS=300 loads the nodes as the test once did. */
const EXECUTIONS = Number(process.env['HARMONIA_TEST_EXECUTIONS'] ?? 60);
/** Executions each survivor keeps running of its own while it takes the killed node's over. */
const STREAM = 10;
const LEASE_MS = process.env['HARMONIA_LEASE_MS'] ?? '';
const ITEMS = [1, 2, 3, 4];

interface Message {
  type: string;
  url?: string;
  ids?: string[];
  seen?: Record<string, number[]>;
}

interface NodeProcess {
  id: string;
  child: ChildProcess;
  next(type: string): Promise<Message>;
  exited: Promise<number | null>;
  stderr(): string;
}

interface Run {
  key: string;
  execution: string;
  attempt: number;
  node: string;
  at: number;
}

/** Subscribes to a node's SSE stream of every execution's events; resolves once connected. */
async function subscribeSse(url: string): Promise<{ seen: Map<string, number[]>; close(): void }> {
  const controller = new AbortController();
  const response = await fetch(`${url}/events`, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
  if (response.status !== 200 || !response.body) throw new Error(`GET /events answered ${response.status}`);
  const seen = new Map<string, number[]>();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffered += value;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        // the all-events stream's id is the global position; the event names its execution and seq
        if (!line.startsWith('data: {"event_type"')) continue;
        const event = JSON.parse(line.slice(6)) as { execution_id?: string; seq?: number };
        if (event.execution_id === undefined || event.seq === undefined) continue;
        seen.set(event.execution_id, [...(seen.get(event.execution_id) ?? []), event.seq]);
      }
    }
  })();
  return { seen, close: () => controller.abort() };
}

function readRuns(file: string): Run[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('start ')).map((line) => {
    const [, key = '', attempt, node = '', at] = line.split(' ');
    return { key, execution: key.split(':')[0] ?? '', attempt: Number(attempt), node, at: Number(at) };
  });
}

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('three nodes on one database'), () => {
  const db = usePgSchema();
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-cluster-'));
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  function launch(id: string): NodeProcess {
    const child = fork(nodeMain, [db.url, db.schema, id, join(dir, 'packs'), join(dir, `runs-${id}.log`), LEASE_MS], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    children.push(child);
    let errors = '';
    child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const inbox: Message[] = [];
    const waiters: Array<{ type: string; resolve: (m: Message) => void; reject: (e: Error) => void }> = [];
    child.on('message', (message: Message) => {
      const index = waiters.findIndex((w) => w.type === message.type);
      if (index >= 0) waiters.splice(index, 1)[0]?.resolve(message);
      else inbox.push(message);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
      for (const waiter of waiters.splice(0)) waiter.reject(new Error(`node ${id} exited (${code}) before sending '${waiter.type}': ${errors}`));
      resolve(code);
    }));
    return {
      id,
      child,
      exited,
      stderr: () => errors,
      next: (type) => {
        const index = inbox.findIndex((m) => m.type === type);
        if (index >= 0) return Promise.resolve(inbox.splice(index, 1)[0] as Message);
        return new Promise((resolve, reject) => waiters.push({ type, resolve, reject }));
      },
    };
  }

  it('completes every execution exactly once across a SIGKILLed node, and a survivor sees every event in order', async () => {
    expect(existsSync(dist), 'run `npm run build` first: the node processes import dist/').toBe(true);
    const packDir = join(dir, 'packs', 'cluster');
    mkdirSync(join(packDir, 'actions'), { recursive: true });
    const script = join(packDir, 'actions', 'record.sh');
    writeFileSync(script, '#!/bin/sh\necho "start $HARMONIA_IDEMPOTENCY_KEY $HARMONIA_ATTEMPT $NODE_ID $(date +%s%3N)" >> "$RUN_LOG"\nsleep 0.2\necho \'{"ok":true}\'\n');
    chmodSync(script, 0o755);
    const retry = { max_attempts: 3, initial_delay_ms: 0 };
    const store = await db.makeStore();
    await register(store, 'cluster.fan', workflow(
      [
        { id: 'split', action: 'cluster.record', retry },
        { id: 'fan', action: 'cluster.record', depends_on: ['split'], with_items: '${input.items}', retry },
        { id: 'join', action: 'cluster.record', depends_on: ['fan'], retry },
      ],
      { input: { items: { type: 'array', default: ITEMS } } },
    ));

    const began = Date.now();
    const nodes = ['node-1', 'node-2', 'node-3'].map(launch);
    const [ready] = await Promise.all(nodes.map((node) => node.next('ready')));
    const [watcher, victim, other] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    // A client of node-1's HTTP API, which survives: every execution's events over SSE.
    const sse = await subscribeSse(ready?.url ?? '');
    for (const node of nodes) node.child.send({ type: 'start', count: EXECUTIONS / nodes.length });
    await Promise.all(nodes.map((node) => node.next('started')));

    // Mid-way through the victim's own share of the work (each task sleeps 0.2 s, so there is time).
    // The bounds below are for liveness only: generous, as a loaded machine runs this slowly.
    const victimLog = join(dir, 'runs-node-2.log');
    await expect.poll(() => readRuns(victimLog).length, { timeout: 240_000, interval: 20 }).toBeGreaterThanOrEqual(EXECUTIONS * 2 / 3);
    victim.child.kill('SIGKILL');
    const killedAt = Date.now();
    await victim.exited;
    for (const node of [watcher, other]) node.child.send({ type: 'stream', count: STREAM });

    // The survivors run work of their own until every execution the killed node ran has finished.
    const held = [...new Set(readRuns(victimLog).map((r) => r.execution))];
    const unfinishedOf = async (ids: string[]): Promise<number> =>
      Number((await db.admin.query<{ n: string }>(`SELECT count(*) AS n FROM executions WHERE id = ANY($1) AND status NOT IN ('completed', 'failed', 'canceled')`, [ids])).rows[0]?.n);
    await expect.poll(() => unfinishedOf(held), { timeout: 300_000, interval: 250 }).toBe(0);
    for (const node of [watcher, other]) node.child.send({ type: 'stop' });
    await Promise.all([watcher, other].map((node) => node.next('stopped')));

    const unfinished = async (): Promise<number> =>
      Number((await db.admin.query<{ n: string }>(`SELECT count(*) AS n FROM executions WHERE status NOT IN ('completed', 'failed', 'canceled')`)).rows[0]?.n);
    await expect.poll(unfinished, { timeout: 300_000, interval: 250 }).toBe(0);
    const finishedAt = Date.now();

    // The survivor's bus and its SSE client get the last events a moment after the database
    // says completed: wait until each holds every stored event (the checks below say which).
    const stored = Number((await db.admin.query<{ n: string }>('SELECT count(*) AS n FROM execution_events')).rows[0]?.n);
    const total = (seen: Iterable<number[]>): number => [...seen].reduce((n, seqs) => n + seqs.length, 0);
    let onBus: Record<string, number[]> = {};
    // When a bus misses events: which executions, which events, and the survivors' logs (a lease that moved, for one).
    const withLogs = async (check: Promise<unknown>, seen: () => Record<string, number[]>): Promise<void> => {
      try {
        await check;
      } catch (error) {
        const rows = (await db.admin.query<{ execution_id: string; seq: number; event_type: string }>('SELECT execution_id, seq, left(event::text, 80) AS event_type FROM execution_events ORDER BY execution_id, seq')).rows;
        const got = seen();
        const missing = rows.filter((row) => !(got[row.execution_id] ?? []).includes(Number(row.seq))).slice(0, 40);
        const listed = missing.map((row) => `${row.execution_id} #${row.seq} ${row.event_type} (seen: ${(got[row.execution_id] ?? []).join(',')})`).join('\n');
        throw new Error(`${String(error)}; missing:\n${listed}\nthe survivors' logs:\n${watcher.stderr()}${other.stderr()}`, { cause: error });
      }
    };
    await withLogs(expect
      .poll(
        async () => {
          watcher.child.send({ type: 'report' });
          onBus = (await watcher.next('report')).seen ?? {};
          return total(Object.values(onBus));
        },
        { timeout: 60_000, interval: 250 },
      )
      .toBe(stored), () => onBus);
    await withLogs(expect.poll(() => total(sse.seen.values()), { timeout: 60_000 }).toBe(stored), () => Object.fromEntries(sse.seen));
    sse.close();
    for (const node of [watcher, other]) node.child.kill('SIGTERM');
    for (const node of [watcher, other]) {
      await node.next('closed');
      expect(await node.exited, node.stderr()).toBe(0);
    }

    const executions = (await db.admin.query<{ id: string; status: string }>('SELECT id, status FROM executions')).rows;
    expect(executions.length).toBeGreaterThan(EXECUTIONS);
    expect(executions.filter((e) => e.status !== 'completed')).toEqual([]);

    const runs = ['node-1', 'node-2', 'node-3'].flatMap((id) => readRuns(join(dir, `runs-${id}.log`)));
    const runsByUnit = new Map<string, Run[]>();
    for (const run of runs) runsByUnit.set(run.key, [...(runsByUnit.get(run.key) ?? []), run]);
    let interrupted = 0;
    const rerunBySurvivor: string[] = [];
    const victimExecutions = new Set(readRuns(victimLog).map((r) => r.execution));
    for (const { id } of executions) {
      const events = (await db.admin.query<{ event: ExecutionEvent }>('SELECT event FROM execution_events WHERE execution_id = $1 ORDER BY seq', [id])).rows.map((r) => r.event);
      expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
      // The survivor delivered this execution's events, each once, in seq order: on its bus and to its SSE client.
      expect(onBus[id], `events of ${id} on node-1's bus`).toEqual(events.map((e) => e.seq));
      expect(sse.seen.get(id), `events of ${id} over node-1's SSE stream`).toEqual(events.map((e) => e.seq));
      const completions = events.filter((e) => e.event_type === 'task_completed').map((e) => `${e.task_id}:${String(e.data.item_index ?? '-')}`);
      expect(new Set(completions).size, `a completion of ${id} recorded twice`).toBe(completions.length);
      expect(completions.sort()).toEqual(['fan:-', ...ITEMS.map((_n, i) => `fan:${i}`), 'join:-', 'split:-'].sort());
      for (const key of [`${id}:split`, `${id}:join`, ...ITEMS.map((_n, i) => `${id}:fan:${i}`)]) {
        const unitRuns = (runsByUnit.get(key) ?? []).sort((x, y) => x.attempt - y.attempt);
        expect(unitRuns.length, `${key} ran ${unitRuns.length} times`).toBeGreaterThanOrEqual(1);
        // A run cut short runs again, as a new attempt, and completes once (checked above).
        // Only the kill cuts runs short: a run that ran again was the killed node's, and its
        // next attempt started after the kill on a survivor.
        const attempts = unitRuns.map((r) => r.attempt);
        expect(attempts, `${key} ran an attempt twice`).toEqual([...new Set(attempts)]);
        interrupted += unitRuns.length - 1;
        for (const [i, cut] of unitRuns.slice(0, -1).entries()) {
          const next = unitRuns[i + 1] as Run;
          if (cut.node !== 'node-2' || next.at < killedAt || next.node === 'node-2') {
            rerunBySurvivor.push(`${key}: attempt ${cut.attempt} on ${cut.node}, again as attempt ${next.attempt} on ${next.node}`);
          }
        }
      }
      if (events.some((e) => e.event_type === 'retry_attempted' && e.data.interrupted === true) && !victimExecutions.has(id)) {
        rerunBySurvivor.push(`${id}: an interrupted attempt, though the killed node never ran it`);
      }
    }

    expect(rerunBySurvivor, `the survivors re-ran their own tasks; their logs:\n${watcher.stderr()}${other.stderr()}`).toEqual([]);
    const takenOver = runs.filter((r) => r.node !== 'node-2' && victimExecutions.has(r.execution) && r.at > killedAt);
    expect(takenOver.length).toBeGreaterThan(0);
    const failover = Math.min(...takenOver.map((r) => r.at)) - killedAt;
    console.log(`three nodes: ${executions.length} executions, ${runs.length} task runs, ${interrupted} re-run; failover ${failover} ms; kill after ${killedAt - began} ms, all finished ${finishedAt - killedAt} ms after it`);
  }, 600_000);
});
