/**
 * Dev mode: sync every pack once, then re-sync a pack as soon as its files are saved
 * (and the packs that depend on it), printing diagnostics at once the way a compiler
 * in watch mode does.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { isHarmoniaError } from '../core/errors.js';
import type { PackSyncResult, PackSyncService } from '../packs/sync-packs.js';
import { watchPacks } from '../packs/watch-packs.js';
import type { Store } from '../store/store.js';
import { withDependants } from './pack-dependants.js';
import type { PackEvents } from './pack-events.js';
import { readDependencyGraph, readPackDependencies } from './read-dependency-graph.js';

export type DevTrigger = 'initial' | 'change' | 'dependency';

/** What dev mode did with one pack. */
export interface DevSyncResult {
  pack_ref: string;
  trigger: DevTrigger;
  outcome: 'synced' | 'unchanged' | 'invalid' | 'deleted' | 'failed';
  /** Files of the pack that changed (empty for initial and dependency syncs). */
  files: string[];
  result: PackSyncResult | null;
  errors: Diagnostic[];
  duration_ms: number;
}

export interface DevModeOptions {
  /** The packs folder to watch; diagnostics name files under it as given. */
  packsDir: string;
  store: Store;
  /** A sync service over the same `packsDir` and `store`. */
  syncService: PackSyncService;
  /** Receives each printed line (without a newline). */
  log: (line: string) => void;
  /** pack_synced, pack_validation_failed and pack_deleted go here (commit: null). */
  events?: PackEvents;
  /** Quiet time after a save before syncing. @default 20 (setting dev_debounce_ms) */
  debounceMs?: number;
  /** Called after each pack is handled. */
  onResult?: (result: DevSyncResult) => void;
  /** @default () => new Date() */
  now?: () => Date;
}

export interface DevMode {
  /** Resolves when the initial sync is done and saves are being watched. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/** One diagnostic on one line: `file:line:col  error  CODE  message`. */
export function formatCompactDiagnostic(d: Diagnostic): string {
  const at = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const hint = d.hint ? ` (${d.hint})` : '';
  return `  ${at}  ${d.severity}  ${d.code}  ${d.message}${hint}`;
}

function summaryLine(result: DevSyncResult): string {
  const took = `(${result.duration_ms} ms)`;
  const via = result.trigger === 'dependency' ? ' [dependency changed]' : '';
  switch (result.outcome) {
    case 'deleted':
      return `- ${result.pack_ref}  deleted, ${result.result?.pruned.length ?? 0} refs pruned ${took}`;
    case 'invalid':
    case 'failed':
      return `✗ ${result.pack_ref}  ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}${via} ${took}`;
    case 'unchanged':
      return `✓ ${result.pack_ref}  unchanged${via} ${took}`;
    case 'synced': {
      const changes = (result.result?.plan ?? [])
        .filter((entry) => entry.action !== 'unchanged')
        .map((entry) => {
          if (entry.action === 'prune') return `${entry.ref} pruned`;
          const version = result.result?.workflows.find((w) => w.ref_name === entry.ref)?.version;
          return version === undefined ? `${entry.ref} ${entry.action}d` : `${entry.ref} v${version}`;
        });
      return `✓ ${result.pack_ref}  ${changes.join(', ')}${via} ${took}`;
    }
  }
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * Starts dev mode over a packs folder.
 *
 * @example
 * const dev = createDevMode({ packsDir: 'packs', store, syncService, log: (line) => console.log(line) });
 * await dev.ready;
 */
export function createDevMode(options: DevModeOptions): DevMode {
  const { store, syncService, log } = options;
  const now = options.now ?? (() => new Date());
  let graph = new Map<string, string[]>();
  let tail: Promise<void> = Promise.resolve();

  const stamp = () => now().toISOString().slice(11, 19);
  const refreshPack = async (packRef: string) => {
    const dir = path.join(options.packsDir, packRef);
    if (await isDirectory(dir)) graph.set(packRef, await readPackDependencies(dir));
    else graph.delete(packRef);
  };

  function report(result: DevSyncResult): void {
    log(`[${stamp()}] ${summaryLine(result)}`);
    for (const d of result.errors) log(formatCompactDiagnostic(d));
    // Every warning of the pack, as `harmonia validate` prints them (ignored files, templates, actions too).
    for (const d of result.result?.diagnostics ?? []) if (d.severity === 'warning') log(formatCompactDiagnostic(d));
    const base = { pack_ref: result.pack_ref, commit: null, timestamp: now().toISOString() };
    if (result.outcome === 'invalid') {
      options.events?.emit({ ...base, event_type: 'pack_validation_failed', data: { diagnostics: result.errors } });
    } else if (result.outcome === 'deleted') {
      options.events?.emit({ ...base, event_type: 'pack_deleted', data: { pruned: result.result?.pruned ?? [] } });
    } else if (result.outcome === 'synced' && result.result) {
      const versions = new Map(result.result.workflows.map((w) => [w.ref_name, w.version]));
      const registered = result.result.plan
        .filter((entry) => entry.action === 'create' || entry.action === 'update')
        .map((entry) => ({ kind: entry.kind, ref: entry.ref, version: versions.get(entry.ref) ?? null }));
      options.events?.emit({ ...base, event_type: 'pack_synced', data: { registered, pruned: result.result.pruned } });
    }
    options.onResult?.(result);
  }

  async function syncOne(packRef: string, trigger: DevTrigger, files: string[]): Promise<void> {
    const started = performance.now();
    const done = (fields: Pick<DevSyncResult, 'outcome' | 'result' | 'errors'>) =>
      report({ pack_ref: packRef, trigger, files, duration_ms: Math.round(performance.now() - started), ...fields });
    try {
      if (!(await isDirectory(path.join(options.packsDir, packRef)))) {
        if (!(await store.registry.getPack(packRef))) return;
        const deleted = await syncService.deletePack(packRef);
        const result = { pack_ref: packRef, loaded_count: 0, registered_count: 0, workflows: [], errors: [], diagnostics: [], plan: [], pruned: deleted.pruned };
        done({ outcome: 'deleted', result, errors: [] });
        return;
      }
      // Deleting a pack's last workflow is deliberate while developing.
      const result = await syncService.syncPack(packRef, { prune: true, allow_empty: true });
      const outcome = result.errors.length > 0 ? 'invalid' : result.registered_count > 0 || result.pruned.length > 0 ? 'synced' : 'unchanged';
      done({ outcome, result, errors: result.errors });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = isHarmoniaError(error) ? error.code : 'INTERNAL';
      const diagnostic: Diagnostic = {
        code,
        severity: 'error',
        message,
        file: path.join(options.packsDir, packRef),
        line: 0,
        column: 0,
        end_line: 0,
        end_column: 0,
        pointer: '',
      };
      done({ outcome: 'failed', result: null, errors: [diagnostic] });
    }
  }

  async function handleChange(packRef: string, files: string[]): Promise<void> {
    await syncOne(packRef, 'change', files);
    await refreshPack(packRef);
    for (const dependant of withDependants([packRef], graph)) {
      if (dependant !== packRef) await syncOne(dependant, 'dependency', []);
    }
  }

  // One pack at a time: syncs share the registry, and dependants must see the pack they follow.
  const enqueue = (task: () => Promise<void>): Promise<void> => {
    tail = tail.then(task, task);
    return tail;
  };

  const watcher = watchPacks({
    packsDir: options.packsDir,
    debounceMs: options.debounceMs,
    onChange: (packRef, files) => enqueue(() => handleChange(packRef, files)),
    onError: (error) => log(`[${stamp()}] watch error: ${error instanceof Error ? error.message : String(error)}`),
  });

  const initial = enqueue(async () => {
    let refs: string[] = [];
    try {
      const all = await syncService.syncAll({ prune: true });
      refs = all.packs.map((pack) => pack.pack_ref);
      for (const pack of all.packs) {
        const outcome = pack.errors.length > 0 ? 'invalid' : pack.registered_count > 0 ? 'synced' : 'unchanged';
        report({ pack_ref: pack.pack_ref, trigger: 'initial', outcome, files: [], result: pack, errors: pack.errors, duration_ms: 0 });
      }
      for (const ref of all.pruned_packs) log(`[${stamp()}] - ${ref}  deleted (its folder is gone)`);
    } catch (error) {
      log(`[${stamp()}] initial sync failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    graph = await readDependencyGraph(options.packsDir);
    log(`[${stamp()}] watching ${options.packsDir} (${refs.length} pack${refs.length === 1 ? '' : 's'}); save a file to sync it`);
  });

  const ready = Promise.all([watcher.ready, initial]).then(() => undefined);
  return {
    ready,
    async close() {
      await watcher.close();
      await tail;
    },
  };
}
