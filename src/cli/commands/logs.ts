/**
 * `harmonia logs EXECUTION_ID [TASK_ID]`: an execution's task log, from the local store or
 * (with --url) a server; --follow keeps printing new lines until the execution finishes.
 */
import type { Command } from 'commander';
import type { TaskLogLineView } from '../../core/wire.js';
import type { Store, TaskLogQuery } from '../../store/store.js';
import { EXIT, type CliContext, type OutputStream } from '../cli-context.js';
import { taskLogText, writeControl } from '../output/printable-output.js';
import { withStore } from '../open-store.js';
import { parsePositiveInt } from './parse-flags.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { explicitRemoteTarget, runRemote, withRemoteOptions, type RemoteFlags } from './remote-client.js';
import { shortExecutionIdHook } from './execution-id-arg.js';

interface LogsFlags extends RemoteFlags {
  attempt?: number;
  stream?: 'stdout' | 'stderr' | 'system';
  follow?: boolean;
}

const HELP = `
Each line shows its task, attempt and stream (err: stderr, sys: notes of the engine or the
action). --json prints one JSON object per line. Without --url the local store is read; a
server or \`harmonia run\` may be writing it at the same time.

Examples:
  $ harmonia logs 0b6f5c1e-...                    every task's log
  $ harmonia logs 0b6f5c1e-... build --attempt 2  one attempt of one task
  $ harmonia logs 0b6f5c1e-... --follow --url http://127.0.0.1:8002`;

// Following the local store: another process writes it, so look again this often.
const LOCAL_POLL_MS = 300;

/** How a line is printed for people: `task#attempt stream | text`. */
export function formatLogLine(line: Pick<TaskLogLineView, 'task_id' | 'item_index' | 'attempt' | 'stream' | 'line'>): string {
  const item = line.item_index === undefined ? '' : `[${line.item_index}]`;
  const stream = line.stream === 'stdout' ? 'out' : line.stream === 'stderr' ? 'err' : 'sys';
  return `${line.task_id}${item}#${line.attempt} ${stream} | ${line.line}`;
}

function view(line: TaskLogLineView): TaskLogLineView {
  const out: TaskLogLineView = { seq: line.seq, task_id: line.task_id, attempt: line.attempt, stream: line.stream, at: line.at, line: line.line };
  if (line.item_index !== undefined) out.item_index = line.item_index;
  return out;
}

async function* localLines(store: Store, id: string, query: Omit<TaskLogQuery, 'limit'>, follow: boolean): AsyncGenerator<TaskLogLineView> {
  let after = query.after ?? 0;
  let finishedSeen = false;
  for (;;) {
    const lines = await store.executions.readLogs(id, { ...query, after, limit: 1000 });
    for (const line of lines) {
      after = line.seq;
      yield view(line);
    }
    if (lines.length === 1000) continue;
    if (!follow || (finishedSeen && lines.length === 0)) return;
    const record = await store.executions.getExecution(id);
    finishedSeen = record !== null && ['completed', 'failed', 'canceled'].includes(record.status);
    await new Promise((resolve) => setTimeout(resolve, LOCAL_POLL_MS));
  }
}

/** Registers `harmonia logs`. */
export function registerLogsCommand(program: Command, ctx: CliContext): void {
  withRemoteOptions(
    program
      .command('logs')
      .description("print an execution's task log")
      .argument('<execution-id>', 'execution id')
      .argument('[task-id]', 'only this task')
      .option('--attempt <n>', 'only this attempt', parsePositiveInt)
      .option('--stream <stream>', 'only stdout, stderr or system')
      .option('-f, --follow', 'keep printing new lines until the execution finishes'),
  )
    .addHelpText('after', HELP)
    .hook('preAction', shortExecutionIdHook(ctx))
    .action(async (id: string, task: string | undefined, flags: LogsFlags) => {
      let printed = 0;
      // A task's own colours show on a colour terminal; the rest of its control sequences never act.
      const terminal = { isTTY: () => ctx.stdout.isTTY === true, env: ctx.env };
      const print = (line: TaskLogLineView): void => {
        printed += 1;
        if (flags.json) ctx.stdout.write(`${JSON.stringify(line)}\n`);
        else writeControl(ctx.stdout, `${taskLogText(formatLogLine(line), terminal)}\n`);
      };
      // Said on stderr, so a script reading stdout still sees an empty log as empty.
      const sayIfEmpty = (): void => {
        if (printed === 0 && !flags.json) ctx.stderr.write(`no log lines${task !== undefined ? ` for task '${task}'` : ''}: its tasks printed nothing${flags.follow === true ? '' : ' (yet)'}\n`);
      };
      if (flags.stream !== undefined && !['stdout', 'stderr', 'system'].includes(flags.stream)) {
        const { HarmoniaError } = await import('../../core/errors.js');
        throw new HarmoniaError('USAGE_INVALID', `--stream '${String(flags.stream)}' must be stdout, stderr or system`);
      }
      if (flags.follow !== true) {
        // One implementation wherever it runs: pages of the same use-case, printed alike.
        await runWithHarmonia(ctx, flags, async (api) => {
          for (let after = 0; ; ) {
            const page = await api.readLogs(id, { ...(task !== undefined ? { task } : {}), ...(flags.attempt !== undefined ? { attempt: flags.attempt } : {}), ...(flags.stream !== undefined ? { stream: flags.stream } : {}), after });
            for (const line of page.items) print(line);
            if (page.next === null) break;
            after = page.next;
          }
          sayIfEmpty();
        });
        return;
      }
      const query: Omit<TaskLogQuery, 'limit'> = {};
      if (task !== undefined) query.task_id = task;
      if (flags.attempt !== undefined) query.attempt = flags.attempt;
      if (flags.stream !== undefined) query.stream = flags.stream;
      if (explicitRemoteTarget(ctx, flags)) {
        await runRemote(ctx, flags, async (client) => {
          const options = { ...(task !== undefined ? { task } : {}), ...(flags.attempt !== undefined ? { attempt: flags.attempt } : {}), ...(flags.stream !== undefined ? { stream: flags.stream } : {}), follow: flags.follow === true };
          for await (const line of client.logs(id, options)) print(line);
          sayIfEmpty();
        });
        return;
      }
      await withStore(ctx.config(), ctx.cwd, async (store) => {
        const { HarmoniaError } = await import('../../core/errors.js');
        if ((await store.executions.getExecution(id)) === null) throw new HarmoniaError('EXEC_NOT_FOUND', `execution '${id}' not found`);
        for await (const line of localLines(store, id, query, flags.follow === true)) print(line);
        sayIfEmpty();
      });
      ctx.exitCode = EXIT.ok;
    });
}

/**
 * Prints the tails of failedTaskTails under a failure, on `stream` (stderr): each line as
 * `harmonia logs` shows it, the task's colours kept only where `stream` shows colour.
 */
export function printTaskTails(
  stream: OutputStream,
  env: CliContext['env'],
  tails: ReadonlyArray<{ task_id: string; lines: string[] }>,
  command: (taskId: string) => string,
): void {
  const terminal = { isTTY: () => stream.isTTY === true, env };
  for (const tail of tails) {
    stream.write(`  last lines of ${tail.task_id}'s log (${command(tail.task_id)}):\n`);
    for (const line of tail.lines) writeControl(stream, `    ${taskLogText(line, terminal)}\n`);
  }
}

/** The last `count` lines of each failed task's latest attempt, for printing under a failure. */
export async function failedTaskTails(
  engine: { getStatus(id: string): Promise<{ task_statuses: Record<string, { status: string; attempts: number }> }>; readLogs(id: string, query: TaskLogQuery): Promise<TaskLogLineView[]> },
  id: string,
  count = 20,
): Promise<Array<{ task_id: string; lines: string[] }>> {
  const status = await engine.getStatus(id);
  const tails: Array<{ task_id: string; lines: string[] }> = [];
  for (const [taskId, task] of Object.entries(status.task_statuses)) {
    if (task.status !== 'failed') continue;
    const lines = await engine.readLogs(id, { task_id: taskId, attempt: task.attempts, limit: 100_000 });
    if (lines.length > 0) tails.push({ task_id: taskId, lines: lines.slice(-count).map(formatLogLine) });
  }
  return tails;
}
