/**
 * The git side of a node that does not lead git polling (several nodes on PostgreSQL):
 * it never writes the registry, it only keeps its own clone on the commit the leader
 * synced the registry from, so the pack actions it runs find that commit's files. The
 * leader announces each synced commit; the follower fetches and checks out exactly it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { isHarmoniaError } from '../core/errors.js';
import type { CommitInfo, GitSource } from '../packs/git-source.js';
import type { GitNodeStatus } from './git-sync-controller.js';

/** What the leader tells its followers after each sync run. */
export interface GitAnnouncement {
  /** The commit the registry was synced from. */
  commit: string;
  /** The tag or sha the leader is pinned to; null follows the branch. */
  pinned_ref: string | null;
  /** The leader's node id. */
  node_id: string;
}

/** The announcement as sent (a NOTIFY payload: small, JSON). */
export function encodeGitAnnouncement(announcement: GitAnnouncement): string {
  return JSON.stringify(announcement);
}

/** The announcement read back; null for anything that is not one (a newer or foreign payload). */
export function parseGitAnnouncement(text: string): GitAnnouncement | null {
  try {
    const value = JSON.parse(text) as Partial<Record<keyof GitAnnouncement, unknown>>;
    if (typeof value.commit !== 'string' || !/^[0-9a-f]{7,64}$/i.test(value.commit)) return null;
    return {
      commit: value.commit,
      pinned_ref: typeof value.pinned_ref === 'string' ? value.pinned_ref : null,
      node_id: typeof value.node_id === 'string' ? value.node_id : '',
    };
  } catch {
    return null;
  }
}

/** A follower's view of its checkout. */
export interface GitFollowerState {
  /** The last announcement heard; null until one is. */
  announced: GitAnnouncement | null;
  /** The commit this node's clone has checked out. */
  checkout: CommitInfo | null;
  files: GitNodeStatus['files'];
  error: { code: string; message: string } | null;
}

export interface GitFollowerOptions {
  /** The same source (clone) the node syncs from when it leads. */
  source: GitSource;
  /** Whether this node leads now: a leader's clone is its controller's, never touched here. */
  isLeader: () => boolean;
  /** After every checkout run that reached the announced commit, before it counts as current (refresh the pack action lookup). */
  onCurrent?: (commit: CommitInfo) => Promise<void> | void;
  /** After a checkout that failed. */
  onFailed?: (error: { code: string; message: string }) => void;
  /** Errors that are not HarmoniaErrors (a bug, a full disk). */
  onError?: (error: unknown) => void;
  /**
   * Where the controller remembers a pinned ref: the leader's pin is mirrored here, so a
   * follower that takes over keeps the pin. @default `<clone dir>.state.json`; null: not mirrored
   */
  stateFile?: string | null;
}

export interface GitFollower {
  /** Checks out the announced commit (coalesced: the newest announcement wins). Never rejects. */
  follow(announcement: GitAnnouncement): Promise<void>;
  /** Tries the last announcement again (after a failure). Never rejects. */
  retry(): Promise<void>;
  /** Settles once the first announcement was acted on (checked out or failed). */
  readonly first: Promise<void>;
  state(): GitFollowerState;
  /** Settles when no checkout is in progress (before the node's controller takes the clone over). */
  idle(): Promise<void>;
  /** Waits for a checkout in progress; later announcements are ignored. */
  stop(): Promise<void>;
}

/**
 * Creates the follower of one git source.
 * @example
 * const follower = createGitFollower({ source, isLeader: () => lead.isLeader(), onCurrent: () => lookup.refresh() });
 * node.lead('git-poll', work, { on_announce: (text) => { const a = parseGitAnnouncement(text); if (a) void follower.follow(a); } });
 */
export function createGitFollower(options: GitFollowerOptions): GitFollower {
  const { source } = options;
  const stateFile = options.stateFile === undefined ? `${source.dir}.state.json` : options.stateFile;
  let announced: GitAnnouncement | null = null;
  let checkout: CommitInfo | null = null;
  let files: GitNodeStatus['files'] = 'waiting';
  let error: GitFollowerState['error'] = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let settleFirst: (() => void) | null = null;
  const first = new Promise<void>((resolve) => (settleFirst = resolve));

  async function mirrorPin(pinned: string | null): Promise<void> {
    if (stateFile === null) return;
    let saved: unknown = null;
    try {
      saved = (JSON.parse(await readFile(stateFile, 'utf8')) as { pinned_ref?: unknown }).pinned_ref ?? null;
    } catch {
      // No state file yet.
    }
    if (saved !== pinned) await writeFile(stateFile, JSON.stringify({ pinned_ref: pinned }) + '\n');
  }

  async function once(): Promise<void> {
    const wanted = announced;
    if (wanted === null || stopped || options.isLeader()) return;
    try {
      // Read every time: the clone may be one kept from an earlier run, or moved while this node led.
      checkout = await source.current();
      if (checkout?.sha !== wanted.commit) {
        files = 'checking_out';
        checkout = (await source.update(wanted.commit)).commit;
      }
      await mirrorPin(wanted.pinned_ref);
      // Current only once the node also knows the actions registered from this commit.
      await options.onCurrent?.(checkout);
      files = 'current';
      error = null;
    } catch (caught) {
      if (!isHarmoniaError(caught)) options.onError?.(caught);
      error = isHarmoniaError(caught)
        ? { code: caught.code, message: caught.message }
        : { code: 'INTERNAL', message: `checking out commit ${wanted.commit.slice(0, 7)} failed unexpectedly` };
      files = 'failed';
      options.onFailed?.(error);
    }
  }

  function schedule(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await once();
      } while (again && !stopped);
    })().finally(() => {
      running = null;
      settleFirst?.();
      settleFirst = null;
    });
    return running;
  }

  return {
    first,
    follow(announcement) {
      announced = announcement;
      return schedule();
    },
    retry: () => schedule(),
    state: () => ({ announced, checkout, files, error }),
    idle: async () => {
      await running;
    },
    async stop() {
      stopped = true;
      settleFirst?.();
      await running;
    },
  };
}
