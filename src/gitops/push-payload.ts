/** What Harmonia reads from a push webhook's JSON body (GitHub and GitLab share these fields). */
export interface PushSummary {
  /** `refs/heads/main`; null when the body names none (a ping, a custom sender). */
  ref: string | null;
  /** The commit the branch now points at, when given. */
  after: string | null;
  /** GitHub's `X-GitHub-Event` / GitLab's `X-Gitlab-Event`, e.g. `push`, `ping`. */
  event: string | null;
}

function stringField(value: unknown, key: string): string | null {
  if (value === null || typeof value !== 'object') return null;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field !== '' ? field : null;
}

/**
 * Reads the pushed ref and commit from a verified webhook body. A body that is not
 * JSON yields nulls: the delivery still triggers a sync, the fetch decides.
 */
export function readPushSummary(rawBody: Buffer | string, event: string | undefined): PushSummary {
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    parsed = null;
  }
  return {
    ref: stringField(parsed, 'ref'),
    after: stringField(parsed, 'after') ?? stringField(parsed, 'checkout_sha'),
    event: event ?? null,
  };
}

/** True when a push to `ref` concerns `branch` (tags and other branches do not). */
export function isPushToBranch(ref: string | null, branch: string): boolean {
  return ref === null || ref === `refs/heads/${branch}` || ref === branch;
}
