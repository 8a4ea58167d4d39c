/**
 * Keeps the registry in step with a git branch: polls on an interval, syncs at once
 * on a verified webhook, serialises runs (a request during a run queues one more
 * run, however many arrive), reports status, and can pin the deployment to a tag or
 * commit. Koa-free: the server maps these calls to routes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { DefinitionHead } from '../core/model.js';
import type { CommitInfo, GitSource } from '../packs/git-source.js';
import { createPackSyncService, type PackSyncService } from '../packs/sync-packs.js';
import type { Store } from '../store/store.js';
import { runGitSync, type GitSyncReport } from './git-sync-run.js';
import { createPackEvents, type PackEvents } from './pack-events.js';
import { computeDrift, type DefinitionDrift } from './definition-drift.js';
import { DEFAULT_SOURCE_NAME } from './git-sources-config.js';
import { ignoredBecause, readPushSummary } from './push-payload.js';
import { createReplayGuard, type ReplayGuard } from './replay-guard.js';
import { computeWorkflowStatuses, type PackSyncState, type WorkflowStatus } from './sync-status.js';
import { verifyWebhook, type WebhookHeaders } from './webhook.js';

export interface GitSyncControllerOptions {
  source: GitSource;
  store: Store;
  /**
   * The source's name when several are configured: written on its versions' origins and
   * what tells its packs from the others'. Unset: the one-source shorthand (`default`).
   */
  name?: string;
  /**
   * Packs the other sources' checkouts hold, by pack, with the sources' names: never synced
   * or pruned here. A change in it re-runs the commit even when it did not move. @default none
   */
  claimedElsewhere?: () => Promise<ReadonlyMap<string, readonly string[]>>;
  /** @default createPackSyncService({ store, packsDir: source.packsDir }) */
  syncService?: PackSyncService;
  /** Where pack_synced, pack_validation_failed, pack_deleted and git_sync_failed go. @default a new emitter */
  events?: PackEvents;
  /** Secret shared with the git host; null refuses every webhook. @default null */
  webhookSecret?: string | null;
  /** Seconds between polls; 0 turns polling off (webhooks only). @default 60 */
  pollIntervalSeconds?: number;
  /** @default createReplayGuard({ capacity: 1000 }) */
  replayGuard?: ReplayGuard;
  /** Let a commit delete every synced pack. @default false */
  allowEmpty?: boolean;
  /** Remembers a pinned deployment (`syncAt`) across restarts. @default `<clone dir>.state.json`; null: memory only */
  stateFile?: string | null;
  /** @default () => new Date() */
  now?: () => Date;
  /** Unexpected errors during a run (a bug, the store failing); reports only say 'INTERNAL'. */
  onError?: (error: unknown) => void;
  /**
   * Told after every run (polls, webhooks and manual syncs alike) with the commit the
   * registry is now synced from: what a cluster's leader announces to its followers.
   */
  onRun?: (report: GitSyncReport, state: GitRunState) => void;
}

/** Where the registry stands after a run. */
export interface GitRunState {
  /** The commit the registry was last synced from (null until a run got that far). */
  synced_commit: string | null;
  /** The tag or sha the deployment is pinned to; null follows the branch. */
  pinned_ref: string | null;
}

/** This node's part in a cluster's git sync (PostgreSQL); absent on a single node. */
export interface GitNodeStatus {
  node_id: string;
  /** The leader fetches and syncs the registry; a follower only checks out what the leader synced. */
  role: 'leader' | 'follower';
  /** The node leading git polling, when known (a follower learns it from its announcements). */
  leader: string | null;
  /** The commit the registry was synced from, as the leader announced it (on the leader: its own). */
  leader_synced_commit: string | null;
  /** The commit this node's own clone has checked out: the files its pack actions run from. */
  checkout_commit: string | null;
  /** `current`: the checkout is the synced commit; `waiting`: no announcement yet; `checking_out`; `failed` (see `error`). */
  files: 'current' | 'waiting' | 'checking_out' | 'failed';
  /** Why the last checkout failed (credentials scrubbed). */
  error: { code: string; message: string } | null;
  /** Whether pack actions run here find the synced files (what /ready reports). */
  ready: boolean;
}

/** Whether a node can run pack actions from the synced commit. */
export interface GitReadiness {
  ready: boolean;
  /** Why not, when not. */
  reason?: string;
}

export interface WebhookRequest {
  headers: WebhookHeaders;
  rawBody: Buffer | string;
}

/** What the server answers a webhook with; `sync` settles when the triggered run ends. */
export interface WebhookResponse {
  /** 202 a sync was queued; 200 accepted but nothing to do (ping, other branch, replay); 401 refused. */
  status: 200 | 202 | 401;
  body: Record<string, unknown>;
  sync: Promise<GitSyncReport> | null;
}

export interface GitSyncStatus {
  /** The source's name (`default` for the HARMONIA_GIT_URL shorthand). */
  source: string;
  url: string;
  branch: string;
  path: string;
  /** Tag or sha the deployment is pinned to (`harmonia sync --ref`); null follows the branch. */
  pinned_ref: string | null;
  poll_interval_seconds: number;
  webhook_enabled: boolean;
  syncing: boolean;
  /** The commit checked out now. */
  head: CommitInfo | null;
  /** The commit the last complete run processed. */
  synced_commit: string | null;
  last_sync: GitSyncReport | null;
  /** The commit checked out and refused (it would have pruned every pack), until a good one lands. */
  refused: { commit: string; error: { code: string; message: string } } | null;
  packs: PackSyncState[];
  workflows: WorkflowStatus[];
  /** Every workflow, template and action of the git-managed packs: live registry against the checked-out files. */
  drift: DefinitionDrift[];
  /** On a cluster (PostgreSQL): this node's role and checkout. */
  node?: GitNodeStatus;
}

export interface GitSyncController {
  readonly events: PackEvents;
  /** The source's name (`default` for the HARMONIA_GIT_URL shorthand). */
  readonly name: string;
  /** The repository URL (credentials masked) and branch: what webhooks are matched against. */
  readonly url: string;
  readonly branch: string;
  /** Runs the first sync, then polls. Resolves with the first run's report. */
  start(): Promise<GitSyncReport>;
  /** Stops polling and waits for a run in progress. */
  stop(): Promise<void>;
  /** Fetches and syncs now (coalesced with a run already queued). Never rejects: failures are in the report. */
  syncNow(options?: { force?: boolean }): Promise<GitSyncReport>;
  /** Pins the deployment to a tag or sha and syncs it; null (or the branch's name) follows the branch again. */
  syncAt(ref: string | null): Promise<GitSyncReport>;
  status(): Promise<GitSyncStatus>;
  /** Verifies and acts on a webhook delivery; nothing is fetched unless it verifies. */
  handleWebhook(request: WebhookRequest): WebhookResponse;
  /** Whether a delivery is signed with this source's secret (nothing else is done). */
  verifiesSignature(request: WebhookRequest): boolean;
  /** On a cluster: whether this node leads git polling now (a follower does not sync). @default 'leader' */
  role?(): 'leader' | 'follower';
  /** On a follower: asks the leader to fetch and sync now (its followers then check out what it synced). */
  passToLeader?(): Promise<void>;
  /** Whether pack actions can run here from the synced files (/ready). @default ready */
  readiness?(): GitReadiness;
}

/**
 * Creates the controller for one git source.
 *
 * @example
 * const git = createGitSyncController({ source, store, webhookSecret, pollIntervalSeconds: 60 });
 * await git.start();
 * router.post('/api/v1/git/webhook', (ctx) => { const r = git.handleWebhook({ headers: ctx.headers, rawBody }); ... });
 */
export function createGitSyncController(options: GitSyncControllerOptions): GitSyncController {
  const { source, store } = options;
  const now = options.now ?? (() => new Date());
  const events = options.events ?? createPackEvents();
  // Several sources share one emitter: each event says which source it came from.
  const runEvents: PackEvents =
    options.name === undefined ? events : { on: (type, listener) => events.on(type, listener), emit: (event) => events.emit({ ...event, source: options.name }) };
  const syncService = options.syncService ?? createPackSyncService({ store, packsDir: source.packsDir });
  const guard = options.replayGuard ?? createReplayGuard();
  const pollSeconds = options.pollIntervalSeconds ?? 60;
  const stateFile = options.stateFile === undefined ? `${source.dir}.state.json` : options.stateFile;

  let packs = new Map<string, PackSyncState>();
  let syncedCommit: string | null = null;
  let processedCommit: string | null = null;
  let head: CommitInfo | null = null;
  let lastReport: GitSyncReport | null = null;
  // The report that reached a verdict on processedCommit: a later poll of the same commit
  // ('unchanged') must not hide a refusal or a partial sync behind it.
  let verdict: GitSyncReport | null = null;
  let pinnedRef: string | null = null;
  let running: Promise<GitSyncReport> | null = null;
  let queued: { promise: Promise<GitSyncReport>; force: boolean } | null = null;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let claimsSeen: string | null = null;

  async function execute(requested: boolean): Promise<GitSyncReport> {
    // Re-read on every run: `harmonia sync --ref` in another process pins the server too.
    await loadPinnedRef();
    const claimedElsewhere = (await options.claimedElsewhere?.()) ?? new Map<string, readonly string[]>();
    const claims = JSON.stringify([...claimedElsewhere].sort(([a], [b]) => a.localeCompare(b)));
    // Another source taking or letting go of a pack changes this commit's verdict, moved or not.
    const force = requested || (claimsSeen !== null && claims !== claimsSeen);
    const result = await runGitSync({
      ...(options.name !== undefined ? { sourceName: options.name } : {}),
      claimedElsewhere,
      source,
      store,
      syncService,
      events: runEvents,
      previous: packs,
      processedCommit,
      onError: options.onError,
      ref: pinnedRef ?? undefined,
      force,
      allowEmpty: options.allowEmpty ?? false,
      now,
    });
    packs = result.packs;
    if (result.checkout) head = result.checkout.commit;
    const repeat = result.report.outcome === 'unchanged' && verdict !== null && verdict.commit?.sha === result.checkout?.commit.sha;
    if (result.processed) claimsSeen = claims;
    if (result.processed && result.checkout && !repeat) {
      processedCommit = result.checkout.commit.sha;
      if (result.report.outcome !== 'refused') syncedCommit = processedCommit;
      verdict = result.report;
    }
    lastReport = repeat && verdict !== null && verdict.outcome !== 'synced' ? verdict : result.report;
    try {
      options.onRun?.(result.report, { synced_commit: syncedCommit, pinned_ref: pinnedRef });
    } catch (error) {
      options.onError?.(error);
    }
    return result.report;
  }

  function schedule(force: boolean): Promise<GitSyncReport> {
    if (!running) {
      running = execute(force).finally(() => {
        running = null;
      });
      return running;
    }
    if (queued) {
      queued.force ||= force;
      return queued.promise;
    }
    const next: { promise: Promise<GitSyncReport>; force: boolean } = {
      force,
      promise: running.then((): Promise<GitSyncReport> => {
        const wanted: boolean = next.force;
        queued = null;
        return schedule(wanted);
      }),
    };
    queued = next;
    return next.promise;
  }

  function planPoll(): void {
    if (stopped || pollSeconds <= 0) return;
    timer = setTimeout(() => {
      timer = null;
      void schedule(false).finally(planPoll);
    }, pollSeconds * 1000);
    // Polling alone must not keep a process alive (the server's socket does that).
    timer.unref();
  }

  async function loadPinnedRef(): Promise<void> {
    if (stateFile === null) return;
    try {
      const saved = JSON.parse(await readFile(stateFile, 'utf8')) as { pinned_ref?: unknown };
      pinnedRef = typeof saved.pinned_ref === 'string' ? saved.pinned_ref : null;
    } catch {
      // No state file yet (or an unreadable one): keep what this process knows.
    }
  }

  async function savePinnedRef(): Promise<void> {
    if (stateFile !== null) await writeFile(stateFile, JSON.stringify({ pinned_ref: pinnedRef }) + '\n');
  }

  async function heads(): Promise<DefinitionHead[]> {
    const found: DefinitionHead[] = [];
    for (const pack of packs.keys()) {
      for (let offset = 0; ; offset += 500) {
        const page = await store.registry.listActive({ kind: 'workflow', pack_ref: pack, limit: 500, offset });
        for (const item of page.items) {
          const h = await store.registry.getHead('workflow', item.ref);
          if (h && h.deleted_at === null) found.push(h);
        }
        if (page.items.length < 500) break;
      }
    }
    return found;
  }

  return {
    events,
    name: options.name ?? DEFAULT_SOURCE_NAME,
    url: source.url,
    branch: source.branch,
    async start() {
      stopped = false;
      const report = await schedule(true);
      planPoll();
      return report;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await (queued?.promise ?? running ?? Promise.resolve());
    },
    syncNow: (syncOptions = {}) => schedule(syncOptions.force ?? false),
    async syncAt(ref) {
      const wanted = ref?.trim() ?? '';
      await loadPinnedRef();
      const previous = pinnedRef;
      // Naming the followed branch means "follow it", not "pin its current commit".
      pinnedRef = wanted === '' || wanted === source.branch ? null : wanted;
      await savePinnedRef();
      const report = await schedule(true);
      // A ref that names nothing (a typo) must not stay pinned, or every later poll fails.
      const code = report.error?.code;
      if (report.outcome === 'failed' && (code === 'VERSION_NOT_FOUND' || code === 'USAGE_INVALID')) {
        pinnedRef = previous;
        await savePinnedRef();
      }
      return report;
    },
    async status() {
      const packList = [...packs.values()].sort((a, b) => a.pack_ref.localeCompare(b.pack_ref));
      return {
        source: options.name ?? DEFAULT_SOURCE_NAME,
        url: source.url,
        branch: source.branch,
        path: source.path,
        pinned_ref: pinnedRef,
        poll_interval_seconds: pollSeconds,
        webhook_enabled: Boolean(options.webhookSecret),
        syncing: running !== null,
        head,
        synced_commit: syncedCommit,
        last_sync: lastReport,
        refused: refusedOf(verdict),
        packs: packList,
        workflows: computeWorkflowStatuses({
          packs: packList,
          heads: await heads(),
          checkout_commit: head?.sha ?? null,
          synced_commit: syncedCommit,
          refused_commit: refusedOf(verdict)?.commit ?? null,
        }),
        drift: await computeDrift(store, source.packsDir, packs.keys()),
      };
    },
    verifiesSignature: (request) => Boolean(options.webhookSecret) && verifyWebhook({ ...request, secret: options.webhookSecret ?? '' }).ok,
    handleWebhook(request) {
      const check = verifyWebhook({ ...request, secret: options.webhookSecret ?? '' });
      if (!check.ok) {
        return { status: 401, body: { error: { code: 'AUTH_REQUIRED', message: check.reason } }, sync: null };
      }
      const { provider, delivery_id } = check;
      // Only the sender's delivery id marks a replay; a delivery without one always counts.
      if (delivery_id !== null && guard.isReplay(delivery_id)) {
        return { status: 200, body: { accepted: false, duplicate: true, delivery_id, provider }, sync: null };
      }
      const push = readPushSummary(request.rawBody, request.headers, provider);
      const ignored = push.event === 'ping' ? 'ping' : ignoredBecause(push, provider, source.branch, pinnedRef !== null);
      if (ignored !== null) {
        return { status: 200, body: { accepted: false, reason: ignored, delivery_id, provider }, sync: null };
      }
      return { status: 202, body: { accepted: true, delivery_id, provider }, sync: schedule(false) };
    },
  };
}

function refusedOf(verdict: GitSyncReport | null): GitSyncStatus['refused'] {
  if (verdict?.outcome !== 'refused' || !verdict.commit) return null;
  return { commit: verdict.commit.sha, error: verdict.error ?? { code: 'PACK_SYNC_REFUSED', message: 'the commit was refused' } };
}
