/** How the CLI prints git sync runs and pack events: one line per pack, diagnostics under it, like a compiler. */
import { formatCompactDiagnostic } from '../../gitops/dev-mode.js';
import type { GitSyncReport } from '../../gitops/git-sync-run.js';
import type { PackEvent } from '../../gitops/pack-events.js';
import { createColors } from './colors.js';

const short = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : 'none');

/** The report of one git sync run: what was checked out, then a line per pack. */
export function formatGitSyncReport(report: GitSyncReport, options: { color: boolean }): string {
  const c = createColors(options.color);
  const lines: string[] = [];
  const at = report.commit ? `${short(report.commit.sha)} (${report.commit.message.split('\n')[0] ?? ''})` : 'nothing';
  lines.push(`git ${report.ref}: ${report.outcome} at ${at}`);
  if (report.error) lines.push(`  ${c.red('error')}  ${report.error.code}  ${report.error.message}`);
  for (const pack of report.packs) {
    if (pack.state === 'invalid') {
      lines.push(`${c.red('✗')} ${pack.pack_ref}  ${pack.errors.length} error${pack.errors.length === 1 ? '' : 's'} at ${short(pack.commit)}; the last good version stays active`);
      for (const d of pack.errors) lines.push(formatCompactDiagnostic(d));
      continue;
    }
    const changes = [...pack.registered.map((r) => (r.version === null ? r.ref : `${r.ref} v${r.version}`)), ...pack.pruned.map((ref) => `${ref} pruned`)];
    lines.push(`${c.green('✓')} ${pack.pack_ref}  ${changes.length > 0 ? changes.join(', ') : 'unchanged'}`);
  }
  for (const ref of report.pruned_packs) lines.push(`- ${ref}  deleted (its folder left the repository)`);
  return lines.join('\n') + '\n';
}

/** One pack event as the server console shows it (git runs after the first, dev mode uses its own lines). */
export function formatPackEvent(event: PackEvent, options: { color: boolean }): string {
  const c = createColors(options.color);
  const time = event.timestamp.slice(11, 19);
  const commit = (event.commit ? ` at ${short(event.commit)}` : '') + (event.source ? ` (git source ${event.source})` : '');
  switch (event.event_type) {
    case 'pack_synced': {
      const registered = (event.data.registered ?? []).map((r) => (r.version === null ? r.ref : `${r.ref} v${r.version}`));
      const pruned = (event.data.pruned ?? []).map((ref) => `${ref} pruned`);
      return `[${time}] ${c.green('✓')} ${event.pack_ref ?? ''}  ${[...registered, ...pruned].join(', ')}${commit}\n`;
    }
    case 'pack_validation_failed': {
      const diagnostics = event.data.diagnostics ?? [];
      const head = `[${time}] ${c.red('✗')} ${event.pack_ref ?? ''}  ${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}${commit}`;
      return [head, ...diagnostics.map(formatCompactDiagnostic)].join('\n') + '\n';
    }
    case 'pack_deleted':
      return `[${time}] - ${event.pack_ref ?? ''}  deleted${commit}\n`;
    case 'git_sync_failed':
      return `[${time}] ${c.red('✗')} git sync failed${commit}: ${event.data.error?.code ?? ''} ${event.data.error?.message ?? ''}\n`;
  }
}
