/**
 * One crash-test run: random workflows run by a real engine process that is SIGKILLed (or
 * stopped past its grace) at random moments and restarted until every execution ends; then
 * the invariants and the reference model are checked. Used by the test (fixed seeds) and by
 * the soak script (fresh seeds).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActionDef, ExecutionEvent } from '../../../src/core/model.js';
import { attemptOfEvent, itemIndexOf } from '../../../src/core/events.js';
import { UNDRIVEN_LEASE } from '../../../src/cluster/lease-keeper.js';
import { createEngine } from '../../../src/engine/index.js';
import { createPostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { childWorkflows, createRandom, generateExecution, generateWorkflow, predict, STEP_SCRIPT, workflowDef, type ExecutionSpec, type WorkflowSpec } from './model.js';

const ENGINE = fileURLToPath(new URL('./engine-process.mjs', import.meta.url));
const MAX_WORKFLOWS = 3;
const UNDRIVEN: readonly string[] = Object.values(UNDRIVEN_LEASE);

export interface ChaosOptions {
  seed: number;
  executions: number;
  kills: number;
  /** Where the engines keep their data. @default SQLite, one engine */
  postgres?: { url: string; schema: string; nodes: number };
  /** Run these workflows instead of random ones. */
  workflows?: WorkflowSpec[];
  /** Only SIGKILL (no graceful stops). @default false */
  sigkill_only?: boolean;
  /** A kill comes after 0 to this many events of the victim. @default 16 */
  max_kill_after?: number;
}

export interface ChaosReport {
  seed: number;
  kills: number;
  problems: string[];
}

const ACTION: ActionDef = {
  runner: 'shell',
  entry_point: 'step.sh',
  parameters: { mode: { type: 'string', required: true }, log: { type: 'string', required: true }, locks: { type: 'string', required: true } },
};

/** One engine process: counts the events it prints and can be killed after a number of them. */
class EngineProcess {
  readonly finished: Promise<{ done: boolean; free: number | null; output: string }>;
  readonly started: Promise<void>;
  private readonly child: ChildProcess;
  private seen = 0;
  private killAt: { count: number; signal: NodeJS.Signals; shot: Shot; onKill: (() => void) | undefined } | null = null;
  private killed = false;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [ENGINE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let buffered = '';
    let free: number | null = null;
    let markStarted!: () => void;
    this.started = new Promise((resolve) => (markStarted = resolve));
    let isStarted = false;
    this.child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'STARTED') {
          isStarted = true;
          markStarted();
          this.check();
        } else if (line.startsWith('EV ') && isStarted) {
          this.seen += 1;
          this.check();
        } else if (line.startsWith('ALLDONE ')) free = Number(line.slice(8));
      }
    });
    this.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    this.finished = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code) => {
        markStarted();
        if (free !== null) resolve({ done: true, free, output });
        else if (this.killed) resolve({ done: false, free: null, output });
        else reject(new Error(`engine process exited with ${String(code)} before finishing:\n${output}`));
      });
    });
  }

  /**
   * Kills the process once it has printed `count` more events after STARTED, unless another
   * engine armed with the same `shot` was killed first; `onKill` hears which one it was.
   */
  killAfter(count: number, signal: NodeJS.Signals, shot: Shot = { fired: false }, onKill?: () => void): void {
    this.killAt = { count: this.seen + count, signal, shot, onKill };
    this.check();
  }

  private check(): void {
    if (this.killAt === null || this.killed || this.killAt.shot.fired || this.seen < this.killAt.count) return;
    this.killed = true;
    this.killAt.shot.fired = true;
    this.child.kill(this.killAt.signal);
    this.killAt.onKill?.();
  }
}

/** One kill shared by the engines armed with it: only the first to reach its count is killed. */
interface Shot {
  fired: boolean;
}

/**
 * Arms every live engine and resolves with the one killed, or null when all of them finished
 * first. Arming only a random one let a node that held no work outlive the whole run, so a
 * run on several nodes could end with no kill at all (seen on a loaded machine).
 */
function killFirst(engines: readonly EngineProcess[], count: number, signal: NodeJS.Signals): Promise<EngineProcess | null> {
  return new Promise((resolve, reject) => {
    const shot: Shot = { fired: false };
    for (const engine of engines) engine.killAfter(count, signal, shot, () => resolve(engine));
    Promise.all(engines.map((engine) => engine.finished)).then(() => resolve(null), reject);
  });
}

function unitKey(event: ExecutionEvent): string {
  const item = itemIndexOf(event);
  return typeof item === 'number' ? `${event.task_id}[${item}]` : String(event.task_id);
}

function checkHistory(id: string, spec: ExecutionSpec, events: ExecutionEvent[], problems: string[]): void {
  events.forEach((event, index) => {
    if (event.seq !== index + 1) problems.push(`${id}: event ${index} has seq ${event.seq} (gap or duplicate)`);
  });
  const terminal = events.filter((e) => ['workflow_completed', 'workflow_failed', 'workflow_canceled'].includes(e.event_type));
  if (terminal.length !== 1) problems.push(`${id}: ${terminal.length} terminal events`);
  const lastAttempt = new Map<string, number>();
  const completed = new Set<string>();
  const charged = new Map<string, number>();
  for (const event of events) {
    if (!event.task_id) continue;
    const key = unitKey(event);
    const attempt = attemptOfEvent(event) ?? 0;
    if (event.event_type === 'task_started' && !Array.isArray(event.data.items)) {
      if (completed.has(key)) problems.push(`${id}: ${key} started again after it completed`);
      if (attempt <= (lastAttempt.get(key) ?? 0)) problems.push(`${id}: ${key} attempt ${attempt} after ${lastAttempt.get(key)}`);
      lastAttempt.set(key, attempt);
    }
    if (event.event_type === 'task_completed') completed.add(key);
    if (event.event_type === 'retry_attempted' && event.data.interrupted !== true) charged.set(key, (charged.get(key) ?? 0) + 1);
  }
  // An always-failing plain task spends exactly its retry budget, however often the engine died.
  for (const task of spec.workflow.tasks) {
    if (task.fan_out || task.sub !== null || task.mode === 'ok' || !lastAttempt.has(task.id)) continue;
    if ((charged.get(task.id) ?? 0) !== task.max_attempts - 1) {
      problems.push(`${id}: ${task.id} was retried ${charged.get(task.id) ?? 0} times on its budget; max_attempts is ${task.max_attempts}`);
    }
  }
}

/** Runs one seeded crash test and lists every broken invariant. */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const random = createRandom(options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-chaos-'));
  try {
    const packs = join(dir, 'packs');
    const data = join(dir, 'data');
    const paths = { log: join(dir, 'runs.log'), locks: join(dir, 'locks') };
    mkdirSync(join(packs, 'chaos', 'actions'), { recursive: true });
    mkdirSync(data, { recursive: true });
    mkdirSync(paths.locks, { recursive: true });
    writeFileSync(join(packs, 'chaos', 'pack.yaml'), 'ref: chaos\nversion: 1.0.0\n');
    writeFileSync(join(packs, 'chaos', 'actions', 'step.sh'), STEP_SCRIPT);
    chmodSync(join(packs, 'chaos', 'actions', 'step.sh'), 0o755);

    const workflows = options.workflows ?? Array.from({ length: Math.max(3, Math.ceil(options.executions / 2)) }, (_, n) => generateWorkflow(random, `chaos.flow${n}`));
    const runs = Array.from({ length: options.executions }, () => generateExecution(random, workflows[Math.floor(random() * workflows.length)] ?? workflows[0]!));
    const planFile = join(dir, 'plan.json');
    writeFileSync(
      planFile,
      JSON.stringify({
        action: ACTION,
        // The interruption guard (a task that keeps killing its engine) is tested on its own;
        // here kills are the test's, so no task may be charged for them.
        config: { max_concurrent_workflows: MAX_WORKFLOWS, max_concurrent_tasks: 3, cancel_grace_ms: 200, limits: { max_task_interruptions: 1000 } },
        workflows: [...childWorkflows(paths), ...workflows.map((spec) => ({ ref: spec.ref, body: workflowDef(spec, paths) }))],
        executions: runs.map((run) => ({ ref: run.workflow.ref, input: { flags: run.flags, items: run.items } })),
      }),
    );

    const problems: string[] = [];
    let kills = 0;
    let nodes = 0;
    const argsFor = (): string[] => {
      nodes += 1;
      const pgArgs = options.postgres ? ['postgres', options.postgres.url, options.postgres.schema, `node-${nodes}`] : ['sqlite'];
      return [planFile, data, packs, ...pgArgs];
    };
    const first = new EngineProcess(argsFor());
    await first.started;
    const alive = [first];
    for (let n = 1; n < (options.postgres?.nodes ?? 1); n += 1) alive.push(new EngineProcess(argsFor()));
    const finished: Array<{ done: boolean; free: number | null }> = [];
    // Every engine's error log, killed ones' too: checked for leases kept with nothing driving them.
    const outputs: string[] = [];
    while (kills < options.kills && alive.length > 0) {
      // Armed at once, not once every engine has started: a first engine that did all the work while the others started would leave nothing to kill.
      const count = Math.floor(random() * (options.max_kill_after ?? 16));
      const signal: NodeJS.Signals = options.sigkill_only !== true && random() < 0.25 ? 'SIGTERM' : 'SIGKILL';
      const victim = await killFirst(alive, count, signal);
      if (victim === null) break;
      const result = await victim.finished;
      outputs.push(result.output);
      alive.splice(alive.indexOf(victim), 1);
      if (result.done) {
        finished.push(result);
        continue;
      }
      kills += 1;
      alive.push(new EngineProcess(argsFor()));
    }
    const last = await Promise.all(alive.map((engine) => engine.finished));
    finished.push(...last);
    outputs.push(...last.map((result) => result.output));
    // A node renews only the leases of executions it drives: the lease keeper reports one it found held otherwise.
    for (const line of outputs.join('\n').split('\n').filter((l) => UNDRIVEN.some((message) => l.includes(message)))) {
      problems.push(`a lease held with nothing driving its execution: ${line}`);
    }
    for (const result of finished) {
      if (!result.done) continue;
      if (result.free !== MAX_WORKFLOWS) problems.push(`${MAX_WORKFLOWS - (result.free ?? 0)} concurrency slots still held after every execution ended`);
    }

    const log = existsSync(paths.log) ? readFileSync(paths.log, 'utf8') : '';
    for (const line of log.split('\n').filter((l) => l.startsWith('OVERLAP'))) problems.push(`two attempts overlapped: ${line}`);

    const store = options.postgres
      ? await createPostgresStore({ url: options.postgres.url, schema: options.postgres.schema, pool_size: 2 })
      : createSqliteStore({ file: join(data, 'harmonia.db') });
    try {
      const engine = createEngine({ store, actions: { resolve: () => { throw new Error('nothing runs here'); } } });
      const ids = JSON.parse(readFileSync(join(data, 'ids.json'), 'utf8')) as string[];
      for (const [index, id] of ids.entries()) {
        const spec = runs[index]!;
        const expected = predict(spec);
        const status = await engine.getStatus(id);
        if (status.status !== expected.status) problems.push(`${id} (${spec.workflow.ref}): ${status.status}, expected ${expected.status}`);
        for (const [task, outcome] of Object.entries(expected.tasks)) {
          const actual = status.task_statuses[task]?.status;
          if (actual !== outcome) {
            const error = status.task_statuses[task]?.error;
            const why = error ? ` (${error.type}: ${error.message})` : '';
            problems.push(`${id} (${spec.workflow.ref}): task ${task} ${String(actual)}${why}, expected ${outcome}`);
          }
        }
        checkHistory(id, spec, await store.executions.readEvents(id), problems);
      }
    } finally {
      await store.close();
    }
    return { seed: options.seed, kills, problems };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
