import type { Command } from 'commander';
import type { HarmoniaClient } from '../../client/client.js';
import { EXECUTION_SORT_KEYS, type ExecutionSort, type ExecutionStatus } from '../../core/model.js';
import type { ExecutionDetail } from '../../core/wire.js';
import { EXIT, type CliContext } from '../cli-context.js';
import type { ControlVerb } from './local-execution-control.js';
import { createColors, shouldUseColor } from '../output/colors.js';
import { formatTable } from '../output/table.js';
import { terminalWidth } from '../output/terminal-width.js';
import { describeLlmUsage, executionTable } from './execution-table.js';
import { pageOptions, partialPageNote, withPageFlags, type PageFlags } from './page-flags.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { commandGroup, formatDuration, parseSeq, printJson, runRemote, withRemoteOptions, type RemoteFlags } from './remote-client.js';
import { applyEvent, createWatchModel, describeEvent, renderWatch } from './remote-progress.js';
import { registerSignalCommand } from './remote-approval.js';
import { registerExecutionPurgeCommand } from './execution-purge.js';
import { writeControl } from '../output/printable-output.js';
import { acceptShortExecutionId } from './execution-id-arg.js';

const HELP = `
Inspects and controls executions on a running server (--url, HARMONIA_URL). list, status,
tasks and events (without --follow) read the local store when no server is named, with the
same output.

Examples:
  $ harmonia execution status 0b6f...            status and task table
  $ harmonia execution watch 0b6f...             live progress until it finishes
  $ harmonia execution events 0b6f... --follow   every event, then live ones
  $ harmonia execution retry 0b6f... --json     a failed or canceled execution
  $ harmonia execution rerun 0b6f... deploy     rerun a finished execution from a task
  $ harmonia execution skip 0b6f... notify      skip a pending task (when its upstream is done)
  $ harmonia execution signal 0b6f... payment_received --data '{"amount":42}'
  $ harmonia execution rerun 0b6f... build --local   on the embedded store, e.g. after harmonia run
  $ harmonia execution purge --older-than 30d --dry-run   what retention would delete

The control verbs take --local instead of --url: the control runs in this process on
the embedded SQLite store (not while a server drives it), which then carries the
execution on to its end, with progress on stderr, as \`harmonia run\` does.

Exit codes: 0 success; 1 unknown execution, a verb not allowed in its status, or
(watch, --local) an execution that ended failed or canceled; 2 usage, auth or connection errors.`;

const STATUSES: readonly ExecutionStatus[] = ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'];
const VERBS = [
  { name: 'pause', call: 'pauseExecution', description: 'pause: running tasks finish, no new task starts' },
  { name: 'resume', call: 'resumeExecution', description: 'resume a paused execution' },
  { name: 'cancel', call: 'cancelExecution', description: 'cancel: abort running tasks, end as canceled' },
  { name: 'terminate', call: 'terminateExecution', description: 'end at once, without error handlers' },
  { name: 'retry', call: 'retryExecution', description: 'retry a failed or canceled execution: every task that did not complete runs again' },
] as const;
const TASK_VERBS = [
  { name: 'rerun', call: 'rerunExecution', description: 'rerun a finished execution from a task: it and everything downstream run again' },
  { name: 'skip', call: 'skipTask', description: 'skip a pending task; its dependants treat it as completed (a task not ready yet is skipped once its upstream is done)' },
] as const;

/** Registers `harmonia execution list|status|tasks|events|watch|pause|resume|cancel|terminate|retry|rerun|skip`. */
export function registerRemoteExecutionCommand(program: Command, ctx: CliContext): void {
  const execution = commandGroup(program, 'execution', 'inspect and control executions on a server').addHelpText('after', HELP);
  registerSignalCommand(execution, ctx);
  registerExecutionPurgeCommand(execution, ctx);

  const list = withRemoteOptions(execution.command('list').description('list executions, newest first unless --sort says otherwise'))
    .option('--status <status>', `only this status (${STATUSES.join(', ')})`)
    .option('--workflow <ref>', 'only executions of this workflow')
    .option('--since <time>', 'only executions created at or after this ISO time or date')
    .option('--until <time>', 'only executions created before this ISO time or date')
    .option('--finished-since <time>', 'only executions finished at or after this ISO time or date')
    .option('--finished-until <time>', 'only executions finished before this ISO time or date')
    .option('--text <text>', 'only executions whose id starts or ends with, or whose workflow ref contains, this text')
    .option('--sort <key>', `order: ${EXECUTION_SORT_KEYS.join(', ')}, ascending; -key descending (default -created_at)`)
    .option('--wide', 'every column: full ids, created and finished times, the parent execution');
  withPageFlags(list, 20).action(
    async (
      flags: RemoteFlags &
        PageFlags & {
          status?: ExecutionStatus;
          workflow?: string;
          since?: string;
          until?: string;
          finishedSince?: string;
          finishedUntil?: string;
          text?: string;
          sort?: string;
          wide?: boolean;
        },
    ) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const page = await api.listExecutions({
          ...pageOptions(flags),
          ...(flags.status !== undefined ? { status: flags.status } : {}),
          ...(flags.workflow !== undefined ? { workflowRef: flags.workflow } : {}),
          ...(flags.since !== undefined ? { createdSince: flags.since } : {}),
          ...(flags.until !== undefined ? { createdUntil: flags.until } : {}),
          ...(flags.finishedSince !== undefined ? { finishedSince: flags.finishedSince } : {}),
          ...(flags.finishedUntil !== undefined ? { finishedUntil: flags.finishedUntil } : {}),
          ...(flags.text !== undefined ? { text: flags.text } : {}),
          // passed as typed: the use-case names the keys it takes, locally and remotely alike
          ...(flags.sort !== undefined ? { sort: flags.sort as ExecutionSort } : {}),
        });
        if (flags.json) return printJson(ctx, page);
        if (page.items.length === 0) return void ctx.stderr.write('no executions\n');
        ctx.stdout.write(executionTable(page.items, { wide: flags.wide === true, now: (ctx.now ?? Date.now)(), width: terminalWidth(ctx) }));
        const note = partialPageNote(page);
        if (note !== null) ctx.stderr.write(note);
      });
    },
  );

  acceptShortExecutionId(
    withRemoteOptions(execution.command('status').description("show an execution's status and its tasks").argument('<id>', 'execution id')),
    ctx,
  ).action(
    async (id: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const detail = await api.getWorkflowStatus(id);
        if (flags.json) return printJson(ctx, detail);
        ctx.stdout.write(statusLines(detail).join('\n') + '\n\n' + taskTable(detail, terminalWidth(ctx)));
      });
    },
  );

  acceptShortExecutionId(
    withRemoteOptions(execution.command('tasks').description("list an execution's tasks with status, attempts and duration").argument('<id>', 'execution id')),
    ctx,
  ).action(
    async (id: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const detail = await api.getWorkflowStatus(id);
        if (flags.json) return printJson(ctx, detail.task_statuses);
        ctx.stdout.write(taskTable(detail, terminalWidth(ctx)));
      });
    },
  );

  acceptShortExecutionId(
    withRemoteOptions(execution.command('summary').description("an execution's task counts, duration, attempts, failed tasks and output").argument('<id>', 'execution id')),
    ctx,
  ).action(
    async (id: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const summary = await api.getWorkflowSummary(id);
        if (flags.json) return printJson(ctx, summary);
        const counts = Object.entries(summary.tasks)
          .filter(([status, n]) => status !== 'total' && n > 0)
          .map(([status, n]) => `${n} ${status}`);
        const lines = [
          `execution  ${summary.execution_id} of ${summary.workflow_name} (${summary.workflow_ref} v${summary.workflow_version})`,
          `status     ${summary.status}, ${formatDuration(summary.duration_ms)}`,
          `tasks      ${summary.tasks.total}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}; ${summary.attempts} attempts`,
          ...(summary.failed_tasks.length > 0 ? [`failed     ${summary.failed_tasks.join(', ')}`] : []),
          ...(summary.error ? [`error      ${summary.error.type}: ${summary.error.message}`] : []),
        ];
        ctx.stdout.write(lines.join('\n') + '\n');
      });
    },
  );

  acceptShortExecutionId(
    withRemoteOptions(execution.command('metrics').description("an execution's durations, parallelism, attempts and retries").argument('<id>', 'execution id')),
    ctx,
  ).action(
    async (id: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const metrics = await api.getWorkflowMetrics(id);
        if (flags.json) return printJson(ctx, metrics);
        const lines = [
          `execution    ${metrics.execution_id}`,
          `duration     ${formatDuration(metrics.duration_ms)} (task time ${formatDuration(metrics.task_time_ms)}, parallelism ${metrics.parallelism ?? '-'})`,
          `events       ${metrics.event_count}`,
          `attempts     ${metrics.attempts}, retries ${metrics.retries}`,
          ...(metrics.slowest_task ? [`slowest task ${metrics.slowest_task.task_id} (${formatDuration(metrics.slowest_task.duration_ms)})`] : []),
          ...(metrics.llm.requests > 0 ? [`llm          ${describeLlmUsage(metrics.llm)}`] : []),
        ];
        ctx.stdout.write(lines.join('\n') + '\n');
      });
    },
  );

  acceptShortExecutionId(withRemoteOptions(execution.command('events').description("print an execution's events").argument('<id>', 'execution id')), ctx)
    .option('--after <seq>', 'only events after this seq', parseSeq, 0)
    .option('--follow', 'keep streaming live events until the execution finishes (--json prints one event per line)')
    .action(async (id: string, flags: RemoteFlags & { after: number; follow?: boolean }) => {
      if (!flags.follow) {
        await runWithHarmonia(ctx, flags, async (api) => {
          const page = await api.listEvents(id, { afterSeq: flags.after });
          if (flags.json) return printJson(ctx, page);
          for (const event of page.events) ctx.stdout.write(describeEvent(event) + '\n');
        });
        return;
      }
      await runRemote(ctx, flags, async (client) => {
        for await (const event of client.events(id, { afterSeq: flags.after })) {
          ctx.stdout.write((flags.json ? JSON.stringify(event) : describeEvent(event)) + '\n');
        }
      });
    });

  acceptShortExecutionId(
    withRemoteOptions(execution.command('watch').description('follow an execution live: a progress bar per task').argument('<id>', 'execution id')),
    ctx,
  ).action(
    async (id: string, flags: RemoteFlags) => {
      await runRemote(ctx, flags, (client) => watchExecution(ctx, client, id, flags));
    },
  );

  for (const verb of VERBS) {
    acceptShortExecutionId(withLocalOption(withRemoteOptions(execution.command(verb.name).description(verb.description).argument('<id>', 'execution id'))), ctx).action(
      async (id: string, flags: RemoteFlags & LocalFlag) => {
        if (await ranLocally(ctx, flags, verb.name, id, undefined)) return;
        await runRemote(ctx, flags, async (client) => {
          const result = await client[verb.call](id);
          if (flags.json) return printJson(ctx, result);
          ctx.stdout.write(`execution ${result.execution_id}: ${result.status}\n`);
        });
      },
    );
  }

  for (const verb of TASK_VERBS) {
    withLocalOption(
      acceptShortExecutionId(withRemoteOptions(execution.command(verb.name).description(verb.description).argument('<id>', 'execution id').argument('<task>', 'task id')), ctx),
    ).action(
      async (id: string, task: string, flags: RemoteFlags & LocalFlag) => {
        if (await ranLocally(ctx, flags, verb.name, id, task)) return;
        await runRemote(ctx, flags, async (client) => {
          const result = await client[verb.call](id, task);
          if (flags.json) return printJson(ctx, result);
          ctx.stdout.write(`execution ${result.execution_id}: ${result.status} (${verb.name} ${task})\n`);
        });
      },
    );
  }
}

interface LocalFlag {
  local?: boolean;
}

function withLocalOption(command: Command): Command {
  return command.option('--local', 'apply it in this process to the embedded store (an execution of `harmonia run`), carrying it on to its end');
}

/** Runs a control with --local in this process; false when the command goes to a server. */
async function ranLocally(ctx: CliContext, flags: RemoteFlags & LocalFlag, verb: ControlVerb, id: string, task: string | undefined): Promise<boolean> {
  if (!flags.local) return false;
  if (flags.url !== undefined) {
    ctx.stderr.write('harmonia: --local and --url exclude each other; pick where the control runs (USAGE_INVALID)\n');
    ctx.exitCode = EXIT.usage;
    return true;
  }
  const { controlExecutionLocally } = await import('./local-execution-control.js');
  ctx.exitCode = await controlExecutionLocally(ctx, verb, id, task, flags);
  return true;
}

/**
 * Follows an execution until it finishes. On a terminal the task bars are redrawn
 * in place; elsewhere every event, from the first, is one line (NDJSON with --json). Resolves to the
 * exit code: 0 when it completed, 1 when it failed or was canceled.
 */
export async function watchExecution(ctx: CliContext, client: HarmoniaClient, id: string, flags: RemoteFlags): Promise<number> {
  const detail = await client.getWorkflowStatus(id);
  const model = createWatchModel(detail);
  const tty = ctx.stdout.isTTY === true && !flags.json;
  const c = createColors(tty && shouldUseColor(true, ctx.env));
  let drawn = 0;
  const draw = (): void => {
    // read at each drawing: the terminal may have been resized
    const lines = renderWatch(model, c, { rows: ctx.stdout.rows, columns: ctx.stdout.columns });
    // move to the top of the previous drawing, then rewrite each line
    if (drawn > 0) writeControl(ctx.stdout, `\u001b[${drawn}F`);
    for (const line of lines) {
      writeControl(ctx.stdout, '\u001b[2K');
      ctx.stdout.write(`${line}\n`);
    }
    if (drawn > lines.length) writeControl(ctx.stdout, '\u001b[J');
    drawn = lines.length;
  };
  if (tty) draw();
  else if (!flags.json) ctx.stdout.write(`watching execution ${model.execution_id} of ${model.workflow_ref}\n`);
  // the bars already show the history; a log gets every event from the first
  for await (const event of client.events(id, { afterSeq: tty ? detail.last_seq : 0 })) {
    applyEvent(model, event);
    if (tty) draw();
    else ctx.stdout.write((flags.json ? JSON.stringify(event) : describeEvent(event)) + '\n');
  }
  const final = await client.getWorkflowStatus(id);
  if (!tty && !flags.json) ctx.stdout.write(`execution ${final.execution_id} ${final.status}${final.error ? `: ${final.error.type}: ${final.error.message}` : ''}\n`);
  return final.status === 'completed' ? EXIT.ok : EXIT.problems;
}

/** The key facts of an execution, one per line. */
export function statusLines(detail: ExecutionDetail): string[] {
  const lines = [
    `execution  ${detail.execution_id}`,
    `workflow   ${detail.workflow_ref} (version ${detail.workflow_version})`,
    `status     ${detail.status}`,
    `created    ${detail.created_at}`,
    `finished   ${detail.finished_at ?? '-'}`,
    `last seq   ${detail.last_seq}`,
  ];
  if (detail.parent_execution_id) lines.push(`parent     ${detail.parent_execution_id} (task ${detail.parent_task_id ?? '?'})`);
  if (detail.error) lines.push(`error      ${detail.error.type}: ${detail.error.message}`);
  if (detail.output && Object.keys(detail.output).length > 0) lines.push(`output     ${truncate(JSON.stringify(detail.output), 200)}`);
  return lines;
}

/** The table of an execution's tasks; errors cut to `width` (the terminal's) when given. */
export function taskTable(detail: ExecutionDetail, width?: number): string {
  const rows = Object.entries(detail.task_statuses).map(([id, t]) => [
    id,
    t.status,
    String(t.attempts),
    t.started_at === null ? '-' : formatDuration(t.duration_ms),
    t.error ? truncate(`${t.error.type}: ${t.error.message}`, 80) : '',
  ]);
  return formatTable(
    [{ header: 'task' }, { header: 'status' }, { header: 'attempts', align: 'right' }, { header: 'duration', align: 'right' }, { header: 'error' }],
    rows,
    { width },
  );
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
