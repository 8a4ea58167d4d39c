/** `harmonia execution purge`: retention on demand, here or on a server. */
import type { Command } from 'commander';
import { HarmoniaError } from '../../core/errors.js';
import { FINISHED_STATUSES, type FinishedStatus } from '../../core/model.js';
import type { PurgeExecutionsResult } from '../../core/wire.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../output/table.js';
import { terminalWidth } from '../output/terminal-width.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { printJson, withRemoteOptions, type RemoteFlags } from './remote-client.js';

const HELP = `
Deletes finished executions (completed, failed, canceled) that finished longer ago than
--older-than, each root with its sub-workflows, and their events, checkpoints, state and
task logs. An unfinished execution is never deleted, nor a root whose sub-workflow has not
finished; a sub-workflow goes only with its root. On the server named by --url (an admin
token), else in the local store. The server does this by itself with HARMONIA_EXECUTION_RETENTION.

Examples:
  $ harmonia execution purge --older-than 30d --dry-run
  $ harmonia execution purge --older-than 7d --status failed --status canceled
  $ harmonia execution purge --older-than 90d --json --url http://127.0.0.1:8002`;

/** Rows the table prints; the summary line counts them all. */
const TABLE_ROWS = 20;

function collectStatus(value: string, previous: FinishedStatus[] = []): FinishedStatus[] {
  const given = value.split(',').map((part) => part.trim());
  for (const status of given) {
    if (!(FINISHED_STATUSES as readonly string[]).includes(status)) {
      throw new HarmoniaError('USAGE_INVALID', `--status '${status}' cannot be purged; use completed, failed or canceled`);
    }
  }
  return [...previous, ...(given as FinishedStatus[])];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The summary line and, when something went, a table of the oldest roots. */
export function describePurge(result: PurgeExecutionsResult, width?: number): string {
  const verb = result.dry_run ? 'would delete' : 'deleted';
  const what = `${plural(result.executions, 'execution')} (+${plural(result.sub_workflows, 'sub-workflow')}, ${plural(result.events, 'event')})`;
  const kept = result.kept_unfinished > 0 ? `; kept ${plural(result.kept_unfinished, 'root')} with an unfinished sub-workflow` : '';
  const summary = `${verb} ${what} finished before ${result.finished_before}${kept}\n`;
  if (result.items.length === 0) return summary;
  const shown = result.items.slice(0, TABLE_ROWS);
  const table = formatTable(
    [{ header: 'ID' }, { header: 'STATUS' }, { header: 'FINISHED' }, { header: 'SUBS', align: 'right' }, { header: 'EVENTS', align: 'right' }, { header: 'WORKFLOW' }],
    shown.map((item) => [item.id, item.status, item.finished_at, String(item.sub_workflows), String(item.events), item.workflow_ref]),
    { width },
  );
  const more = result.executions > shown.length ? `… and ${plural(result.executions - shown.length, 'more execution')} (--json lists up to 1000)\n` : '';
  return table + more + summary;
}

/** Registers `harmonia execution purge`. */
export function registerExecutionPurgeCommand(execution: Command, ctx: CliContext): void {
  withRemoteOptions(execution.command('purge').description('delete finished executions older than a duration, with their sub-workflows, events and logs'))
    .requiredOption('--older-than <duration>', 'finished longer ago than this: 30d, 12h, 90m, or seconds')
    .option('--status <status>', 'only roots that ended so: completed, failed or canceled (repeat or comma-separate; default all three)', collectStatus)
    .option('--dry-run', 'count and list what would go; delete nothing')
    .addHelpText('after', HELP)
    .action(async (flags: RemoteFlags & { olderThan: string; status?: FinishedStatus[]; dryRun?: boolean }) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const result = await api.purgeExecutions({
          older_than: flags.olderThan,
          ...(flags.status !== undefined ? { status: flags.status } : {}),
          dry_run: flags.dryRun === true,
        });
        if (flags.json) return printJson(ctx, result);
        ctx.stdout.write(describePurge(result, terminalWidth(ctx)));
      });
    });
}
