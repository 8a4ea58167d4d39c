import type { PlanAction, SyncAllResult } from '../../packs/sync-packs.js';
import { createColors } from './colors.js';
import { formatTable } from './table.js';

export interface SyncReportOptions {
  dryRun: boolean;
  /** The valid files of packs with errors were synced anyway. @default false */
  skipValidationErrors?: boolean;
  color: boolean;
}

const PAST: Record<PlanAction, string> = { create: 'created', update: 'updated', unchanged: 'unchanged', prune: 'pruned' };
const FUTURE: Record<PlanAction, string> = { create: 'to create', update: 'to update', unchanged: 'unchanged', prune: 'to prune' };

/** The human report of a sync: one row per ref with what happened to it, then totals. */
export function formatSyncReport(result: SyncAllResult, options: SyncReportOptions): string {
  const c = createColors(options.color);
  const paint: Record<PlanAction, (text: string) => string> = { create: c.green, update: c.yellow, unchanged: c.dim, prune: c.red };
  const words = options.dryRun ? FUTURE : PAST;
  const totals: Record<PlanAction, number> = { create: 0, update: 0, unchanged: 0, prune: 0 };
  const rows: string[][] = [];
  for (const pack of result.packs) {
    const versions = new Map(pack.workflows.map((w) => [w.ref_name, w.version]));
    for (const entry of [...pack.plan].sort((a, b) => a.kind.localeCompare(b.kind) || a.ref.localeCompare(b.ref))) {
      totals[entry.action] += 1;
      const version = entry.kind === 'workflow' ? versions.get(entry.ref) : undefined;
      rows.push([pack.pack_ref, entry.kind, entry.ref, paint[entry.action](words[entry.action]), version === undefined ? '' : String(version)]);
    }
  }
  for (const ref of result.pruned_packs) {
    rows.push([ref, 'pack', ref, c.red(options.dryRun ? 'delete' : 'deleted'), '']);
  }
  const out: string[] = [];
  if (rows.length > 0) {
    out.push(
      formatTable(
        [{ header: 'pack' }, { header: 'kind' }, { header: 'ref' }, { header: options.dryRun ? 'plan' : 'change' }, { header: 'version', align: 'right' }],
        rows,
      ),
    );
  }
  const failed = result.packs.filter((p) => p.errors.length > 0);
  const counts = (['create', 'update', 'unchanged', 'prune'] as const).map((a) => `${totals[a]} ${words[a]}`).join(', ');
  const packs = `${result.packs.length} pack${result.packs.length === 1 ? '' : 's'}`;
  const head = options.dryRun ? `dry run of ${packs}, nothing written: ${counts}` : `synced ${packs}: ${counts}`;
  const deleted = result.pruned_packs.length ? `; ${result.pruned_packs.length} pack(s) ${options.dryRun ? 'would be ' : ''}deleted` : '';
  out.push(`${failed.length ? c.red('✖') : c.green('✔')} ${head}${deleted}\n`);
  for (const pack of failed) {
    const outcome = options.skipValidationErrors ? 'only its valid files were synced' : 'the pack was not synced';
    out.push(`${c.red('✖')} ${pack.pack_ref}: ${pack.errors.length} error${pack.errors.length === 1 ? '' : 's'} (listed on stderr); ${outcome}\n`);
  }
  return out.join('\n');
}
