/**
 * One git sync run: update the checkout, sync every pack of the commit with the commit
 * that last touched it as origin, prune packs that left the tree, and report. A pack
 * with errors keeps its last good versions; a tree that would prune every pack is
 * refused whole.
 */
import { readdir } from 'node:fs/promises';
import type { Diagnostic } from '../core/diagnostic.js';
import { HarmoniaError, isHarmoniaError } from '../core/errors.js';
import type { DefinitionKind, DefinitionOrigin } from '../core/model.js';
import type { Checkout, CommitInfo, GitSource } from '../packs/git-source.js';
import { refusePacksFolderEscape } from './packs-folder-escape.js';
import type { PackSyncResult, PackSyncService } from '../packs/sync-packs.js';
import type { Store } from '../store/store.js';
import type { PackEvents } from './pack-events.js';
import { DEFAULT_SOURCE_NAME } from './git-sources-config.js';
import { errorDiagnostic, invalidWorkflows, relativise } from './repo-diagnostics.js';
import type { PackSyncState } from './sync-status.js';

export type GitSyncOutcome = 'synced' | 'partial' | 'unchanged' | 'refused' | 'failed';

/** A pack's part of a sync report. */
export interface PackSyncSummary {
  pack_ref: string;
  state: 'synced' | 'invalid';
  commit: string | null;
  registered: Array<{ kind: DefinitionKind; ref: string; version: number | null }>;
  pruned: string[];
  /** Error diagnostics, paths relative to the repository. */
  errors: Diagnostic[];
}

/** What one sync run did. Never holds credentials. */
export interface GitSyncReport {
  outcome: GitSyncOutcome;
  /** The tag, branch or sha checked out. */
  ref: string;
  commit: CommitInfo | null;
  packs: PackSyncSummary[];
  pruned_packs: string[];
  error?: { code: string; message: string };
  started_at: string;
  finished_at: string;
}

export interface SyncRunInput {
  source: GitSource;
  store: Store;
  syncService: PackSyncService;
  events: PackEvents;
  /** Pack states after the previous run. */
  previous: ReadonlyMap<string, PackSyncState>;
  /** The commit the previous run processed to the end (synced, partly or refused): not redone unless forced. */
  processedCommit: string | null;
  /** Errors that are not HarmoniaErrors (a bug, the store failing), for the server's log. */
  onError?: (error: unknown) => void;
  /** A tag, branch or sha to check out instead of the branch head. */
  ref?: string;
  /** Re-sync even when the commit did not change. */
  force: boolean;
  /** Allow a tree that prunes every git-managed pack. */
  allowEmpty: boolean;
  now: () => Date;
  /**
   * The source's name when several are configured: recorded on the versions it writes
   * (`origin.git_source`), and what tells its packs from other sources'. Unset: the
   * single-source shorthand, whose versions carry no name.
   */
  sourceName?: string;
  /** Packs the other sources' checkouts hold, each with their names: neither synced nor pruned here. */
  claimedElsewhere?: ReadonlyMap<string, readonly string[]>;
}

export interface SyncRunResult {
  report: GitSyncReport;
  packs: Map<string, PackSyncState>;
  /** The commit checked out (null when the fetch failed). */
  checkout: Checkout | null;
  /** Set when the run reached a verdict on the commit: synced (fully or partly), unchanged or refused. */
  processed: boolean;
}

async function packDirs(packsDir: string): Promise<string[]> {
  try {
    const entries = await readdir(packsDir, { withFileTypes: true });
    return entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
      .map((entry) => entry.name)
      .sort();
  } catch {
    // A commit without the packs folder is an empty tree; the refusal below reports it.
    return [];
  }
}

/** Whether a definition came from this source; versions without a source name are the shorthand source's (`default`). */
export function isFromSource(origin: DefinitionOrigin, sourceName: string | undefined): boolean {
  return origin.source === 'git' && (origin.git_source ?? DEFAULT_SOURCE_NAME) === (sourceName ?? DEFAULT_SOURCE_NAME);
}

/** Registered packs whose definitions came from this git source: the ones a vanished folder prunes. */
async function gitManagedPacks(store: Store, known: Iterable<string>, sourceName: string | undefined): Promise<string[]> {
  const managed = new Set(known);
  const registered = await store.registry.listPacks();
  for (const pack of registered) {
    for (const kind of ['workflow', 'template', 'action'] as const) {
      const page = await store.registry.listActive({ kind, pack_ref: pack.ref, limit: 100 });
      if (page.items.some((item) => isFromSource(item.origin, sourceName))) {
        managed.add(pack.ref);
        break;
      }
    }
  }
  const present = new Set(registered.map((pack) => pack.ref));
  return [...managed].filter((ref) => present.has(ref)).sort();
}

function originOf(commit: CommitInfo, sourceName: string | undefined): DefinitionOrigin {
  const origin: DefinitionOrigin = { source: 'git', commit: commit.sha, author: commit.author, date: commit.date, message: commit.message };
  return sourceName === undefined ? origin : { ...origin, git_source: sourceName };
}

/** Runs one sync; failures are reported in the result, never thrown. */
export async function runGitSync(input: SyncRunInput): Promise<SyncRunResult> {
  const { source, store, syncService, events, now } = input;
  const startedAt = now().toISOString();
  const packs = new Map(input.previous);
  const report = (fields: Partial<GitSyncReport> & Pick<GitSyncReport, 'outcome'>): GitSyncReport => ({
    ref: input.ref ?? source.branch,
    commit: null,
    packs: [],
    pruned_packs: [],
    started_at: startedAt,
    finished_at: now().toISOString(),
    ...fields,
  });
  const failed = (error: unknown, commit: CommitInfo | null): GitSyncReport => {
    const harmonia = isHarmoniaError(error) ? error : null;
    if (!harmonia) input.onError?.(error);
    const detail = { code: harmonia?.code ?? 'INTERNAL', message: harmonia?.message ?? 'git sync failed unexpectedly' };
    events.emit({
      event_type: 'git_sync_failed',
      pack_ref: null,
      commit: commit?.sha ?? null,
      timestamp: now().toISOString(),
      data: { error: detail },
    });
    const outcome = harmonia?.code === 'PACK_SYNC_REFUSED' ? 'refused' : 'failed';
    return report({ outcome, commit, error: detail });
  };

  let checkout: Checkout;
  try {
    checkout = await source.update(input.ref);
  } catch (error) {
    return { report: failed(error, null), packs, checkout: null, processed: false };
  }
  const head = checkout.commit;
  if (!input.force && head.sha === input.processedCommit) {
    return { report: report({ outcome: 'unchanged', commit: head }), packs, checkout, processed: true };
  }

  try {
    const claimed = input.claimedElsewhere ?? new Map<string, readonly string[]>();
    await refusePacksFolderEscape(source.dir, source.path, head.sha);
    const all = await packDirs(checkout.packsDir);
    // A pack in two sources is refused by both until one lets it go: whichever ran last must not win.
    const dirs = all.filter((ref) => !claimed.has(ref));
    const managed = await gitManagedPacks(store, packs.keys(), input.sourceName);
    // A pack gone from here but held by another source has moved there: that source syncs it.
    for (const ref of managed) if (!all.includes(ref) && claimed.has(ref)) packs.delete(ref);
    const owned = managed.filter((ref) => all.includes(ref) || !claimed.has(ref));
    const vanished = owned.filter((ref) => !all.includes(ref));
    if (vanished.length > 0 && vanished.length === owned.length && !input.allowEmpty) {
      throw new HarmoniaError(
        'PACK_SYNC_REFUSED',
        `commit ${head.sha.slice(0, 7)} would delete every synced pack (${vanished.join(', ')}): ` +
          `'${source.path}' holds ${dirs.length === 0 ? 'no packs' : `only ${dirs.join(', ')}`}; ` +
          'the registry keeps its versions until a commit with packs arrives',
        { details: { commit: head.sha, pruned_packs: vanished } },
      );
    }

    const summaries = new Map<string, PackSyncSummary>();
    for (const ref of all.filter((name) => claimed.has(name))) {
      summaries.set(ref, claimedTwice(input, ref, head, claimed.get(ref) ?? [], packs));
    }
    let pending = dirs;
    // A pack can depend on one added in the same commit: retry failures while others succeed.
    for (let round = 0; pending.length > 0 && round <= dirs.length; round += 1) {
      const failedNow: string[] = [];
      let progressed = false;
      for (const ref of pending) {
        const summary = await syncOnePack(input, checkout, ref, packs);
        summaries.set(ref, summary);
        if (summary.state === 'invalid') failedNow.push(ref);
        else if (summary.registered.length > 0) progressed = true;
      }
      pending = progressed ? failedNow : [];
    }
    for (const summary of summaries.values()) emitPackEvent(input, summary);

    const deletedPacks: string[] = [];
    const deleting = new Set(vanished);
    for (const ref of vanished) {
      let deleted: { pruned: string[] };
      try {
        deleted = await syncService.deletePack(ref, { alongWith: deleting });
      } catch (error) {
        // Other packs still use it: it stays registered, and the run says so.
        if (!isHarmoniaError(error) || error.code !== 'PACK_SYNC_REFUSED') throw error;
        deleting.delete(ref);
        const summary = refusedDeletion(input, ref, head, error, packs);
        summaries.set(ref, summary);
        emitPackEvent(input, summary);
        continue;
      }
      deletedPacks.push(ref);
      packs.delete(ref);
      events.emit({
        event_type: 'pack_deleted',
        pack_ref: ref,
        commit: head.sha,
        timestamp: now().toISOString(),
        data: { pruned: deleted.pruned },
      });
    }
    const list = [...summaries.values()];
    return {
      report: report({
        outcome: list.some((summary) => summary.state === 'invalid') ? 'partial' : 'synced',
        commit: head,
        packs: list,
        pruned_packs: deletedPacks,
      }),
      packs,
      checkout,
      processed: true,
    };
  } catch (error) {
    const refused = isHarmoniaError(error) && error.code === 'PACK_SYNC_REFUSED';
    // A refusal is a verdict on this commit: re-polling it would only repeat it.
    return { report: failed(error, head), packs, checkout, processed: refused };
  }
}

function claimedTwice(
  input: SyncRunInput,
  ref: string,
  head: CommitInfo,
  others: readonly string[],
  packs: Map<string, PackSyncState>,
): PackSyncSummary {
  const self = input.sourceName ?? DEFAULT_SOURCE_NAME;
  const names = others.map((name) => `'${name}'`).join(', ');
  const error = new HarmoniaError(
    'PACK_SYNC_REFUSED',
    `pack '${ref}' is in git source '${self}' and in ${names}; a pack belongs to one source, so none of them syncs or prunes it ` +
      'until it is removed from all but one (the registry keeps its versions)',
    { details: { pack_ref: ref, sources: [self, ...others] } },
  );
  const summary = refusedDeletion(input, ref, head, error, packs);
  const state = packs.get(ref);
  if (state) packs.set(ref, { ...state, claimed_by: [self, ...others] });
  return summary;
}

function refusedDeletion(
  input: SyncRunInput,
  ref: string,
  head: CommitInfo,
  error: HarmoniaError,
  packs: Map<string, PackSyncState>,
): PackSyncSummary {
  const packPath = input.source.path === '' ? ref : `${input.source.path}/${ref}`;
  const errors = [errorDiagnostic(error, packPath)];
  const previous = packs.get(ref);
  packs.set(ref, {
    pack_ref: ref,
    state: 'invalid',
    commit: head.sha,
    last_good_commit: previous?.last_good_commit ?? null,
    failing_commit: head.sha,
    diagnostics: errors,
    workflows: previous?.workflows ?? {},
    invalid_workflows: {},
    synced_at: input.now().toISOString(),
  });
  return { pack_ref: ref, state: 'invalid', commit: head.sha, registered: [], pruned: [], errors };
}

async function syncOnePack(
  input: SyncRunInput,
  checkout: Checkout,
  ref: string,
  packs: Map<string, PackSyncState>,
): Promise<PackSyncSummary> {
  const { source, syncService, now } = input;
  const packPath = source.path === '' ? ref : `${source.path}/${ref}`;
  const commit = (await source.lastCommit(packPath)) ?? checkout.commit;
  const previous = packs.get(ref);
  let result: PackSyncResult | null = null;
  let errors: Diagnostic[];
  try {
    result = await syncService.syncPack(ref, { origin: originOf(commit, input.sourceName), prune: true });
    errors = relativise(result.errors, source.dir);
  } catch (error) {
    if (!isHarmoniaError(error) || !['PACK_SYNC_REFUSED', 'PACK_NOT_FOUND', 'PACK_INVALID'].includes(error.code)) {
      throw error;
    }
    errors = [errorDiagnostic(error, packPath)];
  }
  const syncedAt = now().toISOString();
  if (!result || errors.length > 0) {
    packs.set(ref, {
      pack_ref: ref,
      state: 'invalid',
      commit: commit.sha,
      last_good_commit: previous?.last_good_commit ?? null,
      failing_commit: commit.sha,
      diagnostics: errors,
      workflows: previous?.workflows ?? {},
      invalid_workflows: invalidWorkflows(errors, source.path),
      synced_at: syncedAt,
    });
    return { pack_ref: ref, state: 'invalid', commit: commit.sha, registered: [], pruned: [], errors };
  }
  packs.set(ref, {
    pack_ref: ref,
    state: 'synced',
    commit: commit.sha,
    last_good_commit: commit.sha,
    failing_commit: null,
    diagnostics: [],
    workflows: Object.fromEntries(result.workflows.map((w) => [w.ref_name, w.version])),
    invalid_workflows: {},
    synced_at: syncedAt,
  });
  const versionOf = new Map(result.workflows.map((w) => [w.ref_name, w.version]));
  return {
    pack_ref: ref,
    state: 'synced',
    commit: commit.sha,
    registered: result.plan
      .filter((entry) => entry.action === 'create' || entry.action === 'update')
      .map((entry) => ({ kind: entry.kind, ref: entry.ref, version: versionOf.get(entry.ref) ?? null })),
    pruned: result.pruned,
    errors: [],
  };
}

function emitPackEvent(input: SyncRunInput, summary: PackSyncSummary): void {
  const base = { pack_ref: summary.pack_ref, commit: summary.commit, timestamp: input.now().toISOString() };
  if (summary.state === 'invalid') {
    input.events.emit({ ...base, event_type: 'pack_validation_failed', data: { diagnostics: summary.errors } });
  } else if (summary.registered.length > 0 || summary.pruned.length > 0) {
    input.events.emit({ ...base, event_type: 'pack_synced', data: { registered: summary.registered, pruned: summary.pruned } });
  }
}
