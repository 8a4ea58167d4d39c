/**
 * What Harmonia reads from a verified webhook: which event it is and which ref it moved,
 * for each git host's payload, so only a push to the followed branch triggers a fetch.
 */
import type { WebhookHeaders, WebhookProvider } from './webhook.js';
import { headerValue } from './webhook.js';

/** What a webhook delivery says. */
export interface PushSummary {
  /** `refs/heads/main`, `refs/tags/v1`; null when the body names none (a custom sender). */
  ref: string | null;
  /** The commit the ref now points at, when given. */
  after: string | null;
  /** The host's event name (`push`, `Push Hook`, `repo:push`, ...); null when not sent. */
  event: string | null;
}

/** The event header of each host. */
const EVENT_HEADERS: Readonly<Record<WebhookProvider, readonly string[]>> = {
  github: ['x-github-event'],
  gitea: ['x-gitea-event', 'x-gogs-event', 'x-github-event'],
  gitlab: ['x-gitlab-event'],
  bitbucket: ['x-event-key'],
  harmonia: ['x-harmonia-event'],
};

/** The events that move a branch, per host; every other event (tags, merge requests, pings) is ignored. */
const PUSH_EVENTS: Readonly<Record<WebhookProvider, readonly string[]>> = {
  github: ['push'],
  gitea: ['push'],
  gitlab: ['Push Hook'],
  bitbucket: ['repo:push', 'repo:refs_changed'],
  harmonia: ['push'],
};

function field(value: unknown, ...path: Array<string | number>): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

// Bitbucket Cloud: push.changes[].new = { type: 'branch' | 'tag', name, target.hash };
// Bitbucket Data Center: changes[] = { ref: { id: 'refs/heads/main' }, toHash }.
function bitbucketRef(body: unknown): { ref: string | null; after: string | null } {
  const change = field(body, 'push', 'changes', 0, 'new');
  const name = text(field(change, 'name'));
  if (name !== null) {
    const kind = field(change, 'type') === 'tag' ? 'tags' : 'heads';
    return { ref: `refs/${kind}/${name}`, after: text(field(change, 'target', 'hash')) };
  }
  return { ref: text(field(body, 'changes', 0, 'ref', 'id')), after: text(field(body, 'changes', 0, 'toHash')) };
}

/**
 * Reads the event, the pushed ref and the commit from a verified webhook. A body that
 * is not JSON yields nulls: the delivery still triggers a sync, the fetch decides.
 */
export function readPushSummary(rawBody: Buffer | string, headers: WebhookHeaders, provider: WebhookProvider): PushSummary {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    parsed = null;
  }
  let event: string | null = null;
  for (const name of EVENT_HEADERS[provider]) event ??= headerValue(headers, name) ?? null;
  if (provider === 'bitbucket') return { ...bitbucketRef(parsed), event };
  return {
    ref: text(field(parsed, 'ref')),
    after: text(field(parsed, 'after')) ?? text(field(parsed, 'checkout_sha')),
    event,
  };
}

/** Why a delivery does not trigger a fetch, or null when it does. */
export function ignoredBecause(push: PushSummary, provider: WebhookProvider, branch: string, pinned: boolean): string | null {
  if (push.event !== null && !PUSH_EVENTS[provider].includes(push.event)) {
    return `'${push.event}' event ignored; only ${PUSH_EVENTS[provider].map((e) => `'${e}'`).join(' and ')} trigger a sync`;
  }
  // A pinned deployment follows a tag or sha, which any push may have moved.
  if (pinned || push.ref === null) return null;
  if (!isPushToBranch(push.ref, branch)) return `push to '${push.ref}' ignored; following '${branch}'`;
  return null;
}

/** True when a push to `ref` concerns `branch` (tags and other branches do not). */
export function isPushToBranch(ref: string | null, branch: string): boolean {
  return ref === null || ref === `refs/heads/${branch}` || ref === branch;
}
