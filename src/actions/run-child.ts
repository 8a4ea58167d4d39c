import { spawn, type ChildProcess } from 'node:child_process';
import { autoContainment, type Containment } from './containment.js';
import { createLineSplitter } from './line-splitter.js';

/** How to start one child process for a task attempt. */
export interface RunChildOptions {
  /** Executable path; run directly, never through a shell unless it is one. */
  command: string;
  args: readonly string[];
  cwd: string;
  /** The child's whole environment (nothing is inherited). */
  env: Record<string, string>;
  /** Written to the child's stdin, which is then closed. */
  stdin?: string;
  /** Aborting it terminates the child's whole process group. */
  signal: AbortSignal;
  /** stdout and stderr together larger than this stop the child. */
  max_output_bytes: number;
  /**
   * Time between SIGTERM and SIGKILL when stopping a child.
   * @default 2000
   */
  kill_grace_ms?: number;
  /** How the child is kept from outliving the engine. @default autoContainment() */
  containment?: Containment;
  /** Told each line the child prints, as it prints it (the task log). */
  on_line?: (stream: 'stdout' | 'stderr' | 'system', line: string) => void;
  /** While the task log is behind, resolves once it caught up: the child's pipes are not read meanwhile. */
  log_backlog?: () => Promise<void> | null;
  /** The user and group the child runs as (the server must be root to switch). @default the server's own */
  run_as?: RunAs;
}

/** An unprivileged user for task processes: they then cannot read the server's /proc/<pid>/environ or data dir. */
export interface RunAs {
  uid: number;
  gid: number;
}

/** What happened to a child process. */
export type ChildOutcome =
  | {
      kind: 'exited';
      exit_code: number | null;
      exit_signal: string | null;
      stdout: string;
      stderr: string;
      /** Set when the child printed more than max_output_bytes: stdout and stderr are their last bytes. */
      truncated?: boolean;
    }
  | { kind: 'aborted'; stdout: string; stderr: string }
  | { kind: 'too_large'; stdout: string; stderr: string }
  | { kind: 'spawn_failed'; message: string };

const DEFAULT_KILL_GRACE_MS = 2000;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // A negative pid addresses the process group the detached child leads.
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Runs a child in its own process group and collects its output. On abort or oversized
 * output the whole group gets SIGTERM, then SIGKILL after the grace period; processes a
 * child leaves behind when it exits are killed too, so nothing outlives its task.
 * Resolves once the child has exited and its output pipes are closed; never rejects.
 */
export function runChild(options: RunChildOptions): Promise<ChildOutcome> {
  const grace = options.kill_grace_ms ?? DEFAULT_KILL_GRACE_MS;
  return new Promise((resolve) => {
    if (options.signal.aborted) {
      resolve({ kind: 'aborted', stdout: '', stderr: '' });
      return;
    }
    let child: ChildProcess;
    try {
      const contained = (options.containment ?? autoContainment()).wrap(options.command, options.args, options.run_as);
      child = spawn(contained.command, contained.args, {
        cwd: options.cwd,
        env: options.env,
        ...(options.run_as && contained.switched !== true ? { uid: options.run_as.uid, gid: options.run_as.gid } : {}),
        detached: true,
        shell: false,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      resolve({ kind: 'spawn_failed', message: error instanceof Error ? error.message : String(error) });
      return;
    }

    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let total = 0;
    let stopped: 'aborted' | 'too_large' | null = null;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    const finish = (outcome: ChildOutcome): void => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onLine = options.on_line;
    const lines = onLine
      ? { stdout: createLineSplitter((line) => onLine('stdout', line)), stderr: createLineSplitter((line) => onLine('stderr', line)) }
      : null;
    const stop = (why: 'aborted' | 'too_large'): void => {
      if (stopped !== null) return;
      stopped = why;
      killGroup(child, 'SIGTERM');
      timers.push(
        setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) onLine?.('system', `still running ${grace} ms after SIGTERM: killed`);
          killGroup(child, 'SIGKILL');
        }, grace),
      );
    };
    const onAbort = (): void => stop('aborted');
    options.signal.addEventListener('abort', onAbort, { once: true });

    // With a task log, every line is kept there: the child may print as much as it likes, and
    // only the last max_output_bytes of each stream are held here, for its result line.
    const keepTail = lines !== null;
    let truncated = false;
    const held = { stdout: 0, stderr: 0 };
    // Backpressure: while the task log is behind the store, the pipes are not read, so a
    // child printing faster than the store writes waits on its pipe (as under a slow
    // terminal) instead of piling its lines up in the engine's memory. Once the child has
    // exited, what is left in the pipes is read at once (they are closed soon after).
    let paused = false;
    let exited = false;
    const resume = (): void => {
      paused = false;
      child.stdout?.resume();
      child.stderr?.resume();
    };
    const holdBack = (): void => {
      if (paused || exited) return;
      const behind = options.log_backlog?.();
      if (!behind) return;
      paused = true;
      child.stdout?.pause();
      child.stderr?.pause();
      void behind.then(() => {
        if (paused) resume();
      });
    };
    const collect =
      (into: Buffer[], splitter: ReturnType<typeof createLineSplitter> | undefined, which: 'stdout' | 'stderr') =>
      (chunk: Buffer): void => {
        if (stopped === 'too_large') return;
        splitter?.push(chunk);
        if (splitter) holdBack();
        total += chunk.length;
        if (keepTail) {
          into.push(chunk);
          held[which] += chunk.length;
          while (held[which] > options.max_output_bytes && into.length > 1) {
            held[which] -= (into.shift() as Buffer).length;
            truncated = true;
          }
          return;
        }
        if (total > options.max_output_bytes) {
          stop('too_large');
          return;
        }
        into.push(chunk);
      };
    child.stdout?.on('data', collect(stdout, lines?.stdout, 'stdout'));
    child.stderr?.on('data', collect(stderr, lines?.stderr, 'stderr'));
    // A child that exits without reading stdin makes the write fail with EPIPE.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.stdin ?? '');

    child.on('error', (error) => {
      if (child.pid === undefined) finish({ kind: 'spawn_failed', message: error.message });
    });
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    child.on('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      exited = true;
      if (paused) resume();
      killGroup(child, 'SIGKILL');
      // A process that left the group can hold the pipes open forever; stop waiting for it.
      timers.push(
        setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, grace),
      );
    });
    child.on('close', () => {
      lines?.stdout.end();
      lines?.stderr.end();
      const out = Buffer.concat(stdout).toString('utf8');
      const err = Buffer.concat(stderr).toString('utf8');
      if (stopped !== null) finish({ kind: stopped, stdout: out, stderr: err });
      else finish({ kind: 'exited', exit_code: exitCode, exit_signal: exitSignal, stdout: out, stderr: err, ...(truncated ? { truncated } : {}) });
    });
  });
}
