/**
 * `harmonia logs EXECUTION_ID [TASK_ID]`: an execution's task log, from the local store or
 * (with --url) a server; --follow keeps printing new lines until the execution finishes.
 */
import type { Command } from 'commander';
import type { TaskLogLineView } from '../../core/wire.js';
import type { TaskLogQuery } from '../../store/store.js';
import type { CliContext, OutputStream } from '../cli-context.js';
import { taskLogText, writeControl } from '../output/printable-output.js';
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
const FINISHED = new Set(['completed', 'failed', 'canceled']);

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
      const filters = { ...(task !== undefined ? { task } : {}), ...(flags.attempt !== undefined ? { attempt: flags.attempt } : {}), ...(flags.stream !== undefined ? { stream: flags.stream } : {}) };
      if (flags.follow === true && explicitRemoteTarget(ctx, flags)) {
        await runRemote(ctx, flags, async (client) => {
          for await (const line of client.logs(id, { ...filters, follow: true })) print(line);
          sayIfEmpty();
        });
        return;
      }
      // One implementation wherever it runs: pages of the same use-case, printed alike; a local
      // follower reads on from them too, so it refuses what the page and a server's stream refuse.
      await runWithHarmonia(ctx, flags, async (api, opened) => {
        let finishedSeen = false;
        for (let after = 0; ; ) {
          // A follower reads up to the head it saw first, as the server's does: a filter that
          // matched nothing there has passed those lines, so the next look starts after them
          // (rescanning from the last match every look was quadratic in a chatty log).
          const head = flags.follow === true && opened.lastLogSeq !== undefined ? await opened.lastLogSeq(id) : undefined;
          const page = await api.readLogs(id, { ...filters, after, ...(head !== undefined ? { through: head } : {}) });
          for (const line of page.items) print(line);
          after = page.items.at(-1)?.seq ?? after;
          if (page.next !== null) continue;
          if (head !== undefined) after = Math.max(after, head);
          // One more read once the end is seen: the engine stores its last lines just after.
          if (flags.follow !== true || (finishedSeen && page.items.length === 0)) break;
          finishedSeen = FINISHED.has((await api.getWorkflowStatus(id)).status);
          await new Promise((resolve) => setTimeout(resolve, LOCAL_POLL_MS));
        }
        sayIfEmpty();
      });
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
