import type { Command } from 'commander';
import type { GitSourceSummaryView, GitStatusView } from '../../core/wire.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { formatTable } from '../output/table.js';
import { commandGroup, printJson, runRemote, withRemoteOptions, type RemoteFlags } from './remote-client.js';

const HELP = `
The git sources a server follows (HARMONIA_GIT_SOURCES, or the one of HARMONIA_GIT_URL,
named default), on the server at --url / HARMONIA_URL. The exit code is 1 when a source
shown is not Synced (a refused commit, an invalid pack, a pack two sources hold, drift).

Examples:
  $ harmonia git status                   every source: commit, packs, drift counts
  $ harmonia git status platform          one source: packs, refused commit, drift per definition
  $ harmonia git status --json
  $ harmonia git sync platform            fetch and sync it now
  $ harmonia git sync platform --ref v1.4.0   pin it to a tag (admin token)`;

const short = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : '-');

function driftCell(view: GitSourceSummaryView): string {
  const { Synced, OutOfSync, Missing, Extra } = view.drift;
  return `${Synced} synced` + (OutOfSync ? `, ${OutOfSync} out of sync` : '') + (Missing ? `, ${Missing} missing` : '') + (Extra ? `, ${Extra} extra` : '');
}

function listText(items: readonly GitSourceSummaryView[]): string {
  const table = formatTable(
    [{ header: 'source' }, { header: 'branch' }, { header: 'path' }, { header: 'commit' }, { header: 'status' }, { header: 'last run' }, { header: 'packs', align: 'right' }, { header: 'drift' }],
    items.map((s) => [s.name, s.pinned_ref ? `${s.branch} (pinned ${s.pinned_ref})` : s.branch, s.path, short(s.synced_commit), s.sync_status, s.last_outcome ?? '-', String(s.packs), driftCell(s)]),
  );
  const notes = items.flatMap((s) => [
    ...s.conflicts.map((c) => `${s.name}: pack '${c.pack_ref}' is held by ${c.sources.map((n) => `'${n}'`).join(' and ')}; none of them syncs it`),
    ...(s.refused ? [`${s.name}: commit ${short(s.refused.commit)} was refused: ${s.refused.error.message}`] : []),
    ...s.invalid_packs.filter((p) => !s.conflicts.some((c) => c.pack_ref === p)).map((p) => `${s.name}: pack '${p}' is invalid (harmonia git status ${s.name})`),
  ]);
  return table + (notes.length > 0 ? '\n' + notes.join('\n') + '\n' : '');
}

function detailText(status: GitStatusView): string {
  const lines = [
    `source    ${status.source ?? 'default'}  ${status.url}`,
    `branch    ${status.branch}${status.pinned_ref ? ` (pinned to ${status.pinned_ref})` : ''}, path ${status.path}`,
    `checkout  ${short(status.head?.sha)}${status.head?.message ? ` ${status.head.message.split('\n')[0] ?? ''}` : ''}`,
    `synced    ${short(status.synced_commit)}${status.last_sync ? `  last run ${status.last_sync.outcome} at ${status.last_sync.finished_at}` : ''}`,
  ];
  if (status.refused) lines.push(`refused   ${short(status.refused.commit)}: ${status.refused.error.message}`);
  let out = lines.join('\n') + '\n';
  const packs = status.packs ?? [];
  if (packs.length > 0) {
    out += '\n' + formatTable(
      [{ header: 'pack' }, { header: 'state' }, { header: 'commit' }, { header: 'problem' }],
      packs.map((p) => [p.pack_ref, p.state, short(p.commit), p.claimed_by ? `also in ${p.claimed_by.slice(1).join(', ')}` : (p.diagnostics[0]?.message ?? '')]),
    );
  }
  const drift = status.drift ?? [];
  if (drift.length > 0) {
    out += '\n' + formatTable(
      [{ header: 'kind' }, { header: 'definition' }, { header: 'drift' }, { header: 'active', align: 'right' }, { header: 'reason' }],
      drift.map((d) => [d.kind, d.ref, d.state, d.active_version === null ? '-' : `v${d.active_version}`, d.reason ?? '']),
    );
  }
  return out;
}

const isSynced = (status: GitStatusView): boolean =>
  !status.refused && !(status.packs ?? []).some((p) => p.state === 'invalid') && (status.drift ?? []).every((d) => d.state === 'Synced');

/** Registers `harmonia git status [SOURCE]` and `harmonia git sync SOURCE [--ref REF]`. */
export function registerRemoteGitCommand(program: Command, ctx: CliContext): void {
  const git = commandGroup(program, 'git', 'the git sources a server follows: status, drift and sync').addHelpText('after', HELP);

  withRemoteOptions(git.command('status').description('every git source, or one with its packs and drift per definition').argument('[source]', 'a source name')).action(
    async (source: string | undefined, flags: RemoteFlags) => {
      await runRemote(ctx, flags, async (client) => {
        if (source !== undefined) {
          const status = await client.getGitSource(source);
          if (flags.json) printJson(ctx, status);
          else ctx.stdout.write(detailText(status));
          return isSynced(status) ? EXIT.ok : EXIT.problems;
        }
        // the largest page: the exit status speaks for every source
        const list = await client.listGitSources({ limit: 1000 });
        if (flags.json) printJson(ctx, list);
        else ctx.stdout.write(listText(list.items));
        return list.items.every((s) => s.sync_status === 'Synced') ? EXIT.ok : EXIT.problems;
      });
    },
  );

  withRemoteOptions(
    git.command('sync').description('fetch and sync one git source now').argument('<source>', 'a source name').option('--ref <ref>', 'pin the source to a tag, branch or sha (admin); its branch name follows the branch again'),
  ).action(async (source: string, flags: RemoteFlags & { ref?: string }) => {
    await runRemote(ctx, flags, async (client) => {
      const report = await client.syncGitSource(source, flags.ref === undefined ? {} : { ref: flags.ref });
      if (flags.json) printJson(ctx, report);
      else if ((report as { outcome?: unknown }).outcome === undefined) {
        // A node that does not lead this source's polling passed the sync on (202).
        ctx.stdout.write(`${String((report as { reason?: unknown }).reason ?? 'passed to the node leading git polling')}
`);
      } else {
        const { formatGitSyncReport } = await import('../output/git-sync-report.js');
        ctx.stdout.write(formatGitSyncReport(report as Parameters<typeof formatGitSyncReport>[0], { color: false }));
      }
      return report.outcome === 'partial' ? EXIT.problems : EXIT.ok;
    });
  });
}
