import { InvalidArgumentError, type Command } from 'commander';
import type { OverlapPolicy } from '../../core/model.js';
import type { ScheduleView } from '../../core/schedule-wire.js';
import type { TriggerFireRecord } from '../../core/trigger-model.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../output/table.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { EXIT } from '../exit-codes.js';
import { commandGroup, printJson, withRemoteOptions, type RemoteFlags } from './remote-client.js';
import { pageOptions, partialPageNote, withPageFlags, type PageFlags } from './page-flags.js';

const HELP = `
Schedules that workflows declare under triggers: on the server named by --url,
HARMONIA_URL or .env.harmonia, else in the local store (trigger and backfill then run
the executions they start in this process, as \`harmonia run\` does). A schedule's id
is <workflow ref>/<trigger name>.

Examples:
  $ harmonia schedule list
  $ harmonia schedule show ops.backup/nightly            next five fire times, recent fires
  $ harmonia schedule fires ops.backup/nightly --limit 100   every fire, newest first (any trigger: ops.deploy/push)
  $ harmonia schedule pause ops.backup/nightly --note "db migration"
  $ harmonia schedule resume ops.backup/nightly
  $ harmonia schedule trigger ops.backup/nightly --overlap allow_all
  $ harmonia schedule backfill ops.backup/nightly --from 2027-01-01T00:00:00Z --to 2027-01-07T00:00:00Z`;

const OVERLAPS = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'allow_all'];

function parseOverlap(value: string): OverlapPolicy {
  if (!OVERLAPS.includes(value)) throw new InvalidArgumentError(`expected one of ${OVERLAPS.join(', ')}, got '${value}'`);
  return value as OverlapPolicy;
}

// A server from before schedule warnings sends none.
const warningsOf = (view: ScheduleView): ScheduleView['warnings'] => view.warnings ?? [];

function every(view: ScheduleView): string {
  if (view.cron !== null) return `cron ${view.cron}${view.timezone === 'UTC' ? '' : ` (${view.timezone})`}`;
  // Marked: the scheduler runs it otherwise than registered; the warning follows the table.
  return `every ${(view.every_ms ?? 0) / 1000}s${warningsOf(view).length > 0 ? ' (!)' : ''}`;
}

function stateOf(view: ScheduleView): string {
  if (!view.enabled) return 'disabled';
  return view.paused ? `paused${view.note ? `: ${view.note}` : ''}` : 'active';
}

function fireLine(fire: TriggerFireRecord): string {
  return [fire.scheduled_at, fire.reason, fire.status, fire.execution_id ?? '-', fire.detail ?? ''].join('  ').trimEnd();
}

function fireRows(fires: readonly TriggerFireRecord[]): string {
  return formatTable(
    [{ header: 'scheduled' }, { header: 'reason' }, { header: 'status' }, { header: 'execution' }, { header: 'detail' }],
    fires.map((f) => [f.scheduled_at, f.reason, f.status, f.execution_id ?? '-', f.detail ?? '']),
  );
}

/** Registers `harmonia schedule list|show|fires|pause|resume|trigger|backfill` (alias `schedules`). */
export function registerRemoteScheduleCommand(program: Command, ctx: CliContext): void {
  const schedule = commandGroup(program, 'schedule', 'list, show, pause, resume, trigger and backfill schedules; list any trigger\'s fires').alias('schedules').addHelpText('after', HELP);

  withPageFlags(
    withRemoteOptions(schedule.command('list').description('list every schedule with its next fire time').option('--workflow <ref>', "only this workflow's schedules")),
  ).action(async (flags: RemoteFlags & PageFlags & { workflow?: string }) => {
    await runWithHarmonia(ctx, flags, async (api) => {
      const list = await api.listSchedules({ ...pageOptions(flags), ...(flags.workflow !== undefined ? { workflow: flags.workflow } : {}) });
      if (flags.json) return printJson(ctx, list);
      if (list.items.length === 0 && list.total === 0) return void ctx.stderr.write('no schedules: no active workflow declares triggers\n');
      ctx.stdout.write(
        formatTable(
          [{ header: 'schedule' }, { header: 'when' }, { header: 'overlap' }, { header: 'state' }, { header: 'next' }, { header: 'last' }],
          list.items.map((s) => [s.id, every(s), s.overlap, stateOf(s), s.next_fire_times[0] ?? '-', s.last_fire ? `${s.last_fire.scheduled_at} ${s.last_fire.status}` : '-']),
        ),
      );
      for (const warning of list.items.flatMap(warningsOf)) ctx.stderr.write(`warning: ${warning.message}\n`);
      const note = partialPageNote(list);
      if (note !== null) ctx.stderr.write(note);
    });
  });

  withRemoteOptions(schedule.command('show').description('show a schedule, its next five fire times and recent fires').argument('<id>', '<workflow ref>/<trigger name>')).action(
    async (id: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const detail = await api.getSchedule(id);
        if (flags.json) return printJson(ctx, detail);
        const lines = [
          `schedule  ${detail.id} (workflow ${detail.workflow_ref} v${detail.workflow_version})`,
          `when      ${every(detail)}`,
          `overlap   ${detail.overlap}, catch-up window ${detail.catchup_window_ms / 1000}s, jitter ${detail.jitter_ms / 1000}s`,
          `state     ${stateOf(detail)}`,
          `next      ${detail.next_fire_times.join('\n          ') || '-'}`,
          ...warningsOf(detail).map((warning) => `warning   ${warning.message}`),
        ];
        ctx.stdout.write(lines.join('\n') + '\n');
        if (detail.recent_fires.length > 0) ctx.stdout.write('\n' + fireRows(detail.recent_fires));
      });
    },
  );

  withPageFlags(
    withRemoteOptions(
      schedule
        .command('fires')
        .description("list a trigger's fires, newest first (a schedule's, a webhook's or an after-trigger's)")
        .argument('<id>', '<workflow ref>/<trigger name>'),
    ),
  ).action(async (id: string, flags: RemoteFlags & PageFlags) => {
    await runWithHarmonia(ctx, flags, async (api) => {
      const page = await api.listTriggerFires(id, pageOptions(flags));
      if (flags.json) return printJson(ctx, page);
      if (page.total === 0) return void ctx.stderr.write(`no fires: trigger ${id} has not fired\n`);
      if (page.items.length > 0) ctx.stdout.write(fireRows(page.items));
      const note = partialPageNote(page);
      if (note !== null) ctx.stderr.write(note);
    });
  });

  withRemoteOptions(schedule.command('pause').description('pause a schedule').argument('<id>', '<workflow ref>/<trigger name>').option('--note <text>', 'why it is paused')).action(
    async (id: string, flags: RemoteFlags & { note?: string }) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const view = await api.pauseSchedule(id, flags.note === undefined ? {} : { note: flags.note });
        if (flags.json) return printJson(ctx, view);
        ctx.stdout.write(`${view.id}: ${stateOf(view)}\n`);
      });
    },
  );

  withRemoteOptions(schedule.command('resume').description('resume a paused schedule (missed times are not caught up)').argument('<id>', '<workflow ref>/<trigger name>')).action(
    async (id: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const view = await api.resumeSchedule(id);
        if (flags.json) return printJson(ctx, view);
        ctx.stdout.write(`${view.id}: ${stateOf(view)}, next ${view.next_fire_times[0] ?? '-'}\n`);
      });
    },
  );

  withRemoteOptions(
    schedule.command('trigger').description('fire a schedule now').argument('<id>', '<workflow ref>/<trigger name>').option('--overlap <policy>', `overlap policy for this fire (${OVERLAPS.join(', ')})`, parseOverlap),
  ).action(async (id: string, flags: RemoteFlags & { overlap?: OverlapPolicy }) => {
    await runWithHarmonia(
      ctx,
      flags,
      async (api) => {
        const fire = await api.triggerSchedule(id, flags.overlap === undefined ? {} : { overlap: flags.overlap });
        if (flags.json) printJson(ctx, fire);
        else ctx.stdout.write(fireLine(fire) + '\n');
        // A fire that started nothing because it failed is the request's problem (a refused
        // webhook delivery answers 422); a skipped or buffered one is the overlap policy at work.
        return fire.status === 'failed' ? EXIT.problems : EXIT.ok;
      },
      'run',
    );
  });

  withRemoteOptions(
    schedule
      .command('backfill')
      .description('fire every scheduled time of a range not fired before')
      .argument('<id>', '<workflow ref>/<trigger name>')
      .requiredOption('--from <time>', 'start of the range (ISO 8601, inclusive)')
      .requiredOption('--to <time>', 'end of the range (ISO 8601, inclusive)')
      .option('--overlap <policy>', `overlap policy for these fires (default: the schedule's)`, parseOverlap),
  ).action(async (id: string, flags: RemoteFlags & { from: string; to: string; overlap?: OverlapPolicy }) => {
    await runWithHarmonia(
      ctx,
      flags,
      async (api) => {
        const result = await api.backfillSchedule(id, { from: flags.from, to: flags.to, ...(flags.overlap ? { overlap: flags.overlap } : {}) });
        const failed = result.fires.filter((fire) => fire.status === 'failed').length;
        if (flags.json) printJson(ctx, result);
        else {
          if (result.fires.length > 0) ctx.stdout.write(fireRows(result.fires));
          const skipped = result.skipped.length;
          const fired = result.fires.length - skipped;
          ctx.stderr.write(`${fired} fired${failed > 0 ? ` (${failed} failed)` : ''}, ${skipped > 0 ? `${skipped} skipped by the overlap policy (not run; backfill again to run them), ` : ''}${result.already_fired.length} already fired before\n`);
        }
        return failed > 0 ? EXIT.problems : EXIT.ok;
      },
      'run',
    );
  });
}
