/**
 * Syncing and validating pack folders: one pack or every pack, with a CI form. `failOn`
 * turns a report with problems into a PACK_INVALID failure (HTTP 422, exit 1) carrying
 * the report, so a pipeline fails on the status alone.
 */
import { hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { HarmoniaError } from '../core/errors.js';
import type { HarmoniaApi, PackFailOn, SyncPackOptions } from '../core/harmonia-api.js';
import type { PackSetView, PackSyncView } from '../core/wire.js';
import type { PackSyncOptions, PackSyncService } from '../packs/sync-packs.js';

export type PackSyncUseCases = Pick<HarmoniaApi, 'syncPack' | 'validatePack' | 'syncAllPacks' | 'validateAllPacks'>;

const FAIL_ON: readonly PackFailOn[] = ['none', 'error', 'warning'];

function failOnOf(value: PackFailOn | undefined, fallback: PackFailOn): PackFailOn {
  if (value === undefined) return fallback;
  if (!FAIL_ON.includes(value)) {
    throw new HarmoniaError('REQUEST_INVALID', `fail_on must be one of ${FAIL_ON.join(', ')}; got '${String(value)}'`, { details: { field: 'fail_on' } });
  }
  return value;
}

/** True when the diagnostics fail under `failOn`. */
function fails(diagnostics: readonly Diagnostic[], failOn: PackFailOn): boolean {
  if (failOn === 'none') return false;
  return failOn === 'warning' ? diagnostics.some((d) => d.severity !== 'info') : hasErrors(diagnostics);
}

function counted(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  return `${errors} error(s), ${warnings} warning(s)`;
}

/** The report, or PACK_INVALID carrying it and its diagnostics when it fails under `failOn`. */
function verdict<T extends { diagnostics: Diagnostic[] }>(what: string, report: T, failOn: PackFailOn): T {
  if (!fails(report.diagnostics, failOn)) return report;
  const first = report.diagnostics.find((d) => d.severity === 'error') ?? report.diagnostics[0];
  throw new HarmoniaError('PACK_INVALID', `${what} has ${counted(report.diagnostics)}${first ? `: ${first.message}` : ''}`, {
    details: { diagnostics: report.diagnostics, result: report, fail_on: failOn },
  });
}

// A folder synced through the API is still a folder: its definitions come from files and
// are pruned when the files go, as after `harmonia sync` (origin 'api' is for definitions
// sent without a file). `force` only allows a sync that empties a pack or the tree; it
// never registers part of a pack with errors.
function syncOptions(options: SyncPackOptions): PackSyncOptions {
  return {
    origin: { source: 'local' },
    ...(options.dryRun !== undefined ? { dry_run: options.dryRun } : {}),
    ...(options.prune !== undefined ? { prune: options.prune } : {}),
    ...(options.force !== undefined ? { allow_empty: options.force } : {}),
  };
}

/** Creates the pack sync and validation use-cases over the pack sync service of this process's packs folder. */
export function createPackSyncUseCases(packs: PackSyncService): PackSyncUseCases {
  return {
    async syncPack(ref, options = {}) {
      const failOn = failOnOf(options.failOn, 'error');
      const result = await packs.syncPack(ref, syncOptions(options));
      // A pack whose files have errors registers nothing, whatever failOn says: `ok` tells.
      return verdict(`pack '${ref}'`, { ...result, ok: !hasErrors(result.errors) } as PackSyncView, failOn);
    },
    async validatePack(ref, options = {}) {
      const failOn = failOnOf(options.failOn, 'none');
      const report = await packs.validatePack(ref);
      return verdict(`pack '${ref}'`, { ...report, ok: report.error_count === 0 } as PackSyncView, failOn);
    },
    async syncAllPacks(options = {}) {
      const failOn = failOnOf(options.failOn, 'none');
      const result = await packs.syncAll(syncOptions(options));
      const items = result.packs.map((p) => ({ ...p, ok: !hasErrors(p.errors) }) as PackSyncView);
      const view: PackSetView = { ...result, packs: items, ok: items.every((p) => p.ok), diagnostics: result.packs.flatMap((p) => p.diagnostics) };
      return verdict('the packs folder', view, failOn);
    },
    async validateAllPacks(options = {}) {
      const failOn = failOnOf(options.failOn, 'none');
      const reports = await packs.validateAll();
      const items = reports.map((r) => ({ ...r, ok: r.error_count === 0 }) as PackSyncView);
      const view: PackSetView = { ok: items.every((p) => p.ok), packs: items, diagnostics: reports.flatMap((r) => r.diagnostics) };
      return verdict('the packs folder', view, failOn);
    },
  };
}
