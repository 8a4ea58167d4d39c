/**
 * Verifies that a webhook delivery comes from the git host that shares our secret,
 * before anything is fetched. Five schemes, chosen by the header present:
 * - GitHub (and Gitea, Forgejo, Bitbucket Data Center, which send it too):
 *   `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`;
 * - Bitbucket Cloud: `X-Hub-Signature: sha256=<hex HMAC-SHA256>`;
 * - Gitea and Forgejo: `X-Gitea-Signature: <hex HMAC-SHA256>` (also `X-Gogs-Signature`);
 * - GitLab: `X-Gitlab-Token: <secret>`;
 * - any other sender (a CI job, curl): `X-Harmonia-Token: <secret>`.
 * Every comparison runs in constant time, so a wrong guess says nothing about how
 * close it was.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Request headers as Node gives them (lower-case names). */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export type WebhookProvider = 'github' | 'gitlab' | 'gitea' | 'bitbucket' | 'harmonia';

export interface VerifyWebhookInput {
  headers: WebhookHeaders;
  /** The body exactly as received: the signature covers these bytes, not re-serialised JSON. */
  rawBody: Buffer | string;
  /** The shared secret configured on the git host. */
  secret: string;
}

export type WebhookVerification =
  /** delivery_id is null when the sender names none: such deliveries are never deduplicated. */
  | { ok: true; provider: WebhookProvider; delivery_id: string | null }
  | { ok: false; reason: string };

/** Reads one header by lower-case name; a repeated header counts as absent (ambiguous). */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    if (typeof value === 'string') return value;
    return value.length === 1 ? value[0] : undefined;
  }
  return undefined;
}

/** Constant-time equality of two strings (lengths are hashed away first). */
export function safeEqual(a: string, b: string): boolean {
  // Hashing both sides gives equal-length buffers, so timingSafeEqual never throws
  // and the time taken does not reveal the expected length.
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

// Only the sender's own delivery id identifies a delivery. The same body posted twice by
// a CI job is two deliveries (it may mean "the same commit, sync again"), so a body is
// never taken as an id.
function deliveryId(headers: WebhookHeaders, names: readonly string[]): string | null {
  for (const name of names) {
    const value = headerValue(headers, name)?.trim();
    if (value) return value;
  }
  return null;
}

// Which host sent a signed delivery, by the event header it sets.
function hmacProvider(headers: WebhookHeaders): WebhookProvider {
  if (headerValue(headers, 'x-gitea-event') !== undefined || headerValue(headers, 'x-gogs-event') !== undefined) return 'gitea';
  if (headerValue(headers, 'x-event-key') !== undefined) return 'bitbucket';
  return 'github';
}

const DELIVERY_HEADERS: Readonly<Record<WebhookProvider, readonly string[]>> = {
  github: ['x-github-delivery'],
  gitea: ['x-gitea-delivery', 'x-gogs-delivery', 'x-github-delivery'],
  bitbucket: ['x-request-uuid', 'x-hook-uuid'],
  gitlab: ['x-gitlab-event-uuid', 'x-gitlab-webhook-uuid', 'idempotency-key'],
  harmonia: ['x-harmonia-delivery'],
};

// `sha256=<hex>` (GitHub, Bitbucket) or bare hex (Gitea): true when it is the HMAC of the body.
function hmacMatches(value: string, secret: string, rawBody: Buffer | string, prefixed: boolean): boolean | 'malformed' {
  const match = (prefixed ? /^sha256=([0-9a-f]{64})$/i : /^(?:sha256=)?([0-9a-f]{64})$/i).exec(value.trim());
  if (!match?.[1]) return 'malformed';
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}

/**
 * Checks a webhook's signature or token against `secret`.
 *
 * @example
 * const check = verifyWebhook({ headers: req.headers, rawBody, secret });
 * if (!check.ok) return reply(401, { error: check.reason });
 */
export function verifyWebhook(input: VerifyWebhookInput): WebhookVerification {
  const { headers, rawBody, secret } = input;
  if (secret === '') return { ok: false, reason: 'no webhook secret is configured; webhooks are refused' };

  const signed: ReadonlyArray<{ header: string; prefixed: boolean }> = [
    { header: 'x-hub-signature-256', prefixed: true },
    { header: 'x-gitea-signature', prefixed: false },
    { header: 'x-gogs-signature', prefixed: false },
    { header: 'x-hub-signature', prefixed: true },
  ];
  for (const { header, prefixed } of signed) {
    const value = headerValue(headers, header);
    if (value === undefined) continue;
    const matches = hmacMatches(value, secret, rawBody, prefixed);
    if (matches === 'malformed') {
      return { ok: false, reason: `malformed '${header}' header; expected ${prefixed ? "'sha256=<64 hex>'" : "'<64 hex>'"}` };
    }
    if (!matches) return { ok: false, reason: 'signature does not match the payload' };
    const provider = hmacProvider(headers);
    return { ok: true, provider, delivery_id: deliveryId(headers, DELIVERY_HEADERS[provider]) };
  }

  const gitlab = headerValue(headers, 'x-gitlab-token');
  if (gitlab !== undefined) {
    if (!safeEqual(gitlab, secret)) return { ok: false, reason: "'x-gitlab-token' does not match the webhook secret" };
    return {
      ok: true,
      provider: 'gitlab',
      delivery_id: deliveryId(headers, DELIVERY_HEADERS.gitlab),
    };
  }

  const token = headerValue(headers, 'x-harmonia-token');
  if (token !== undefined) {
    if (!safeEqual(token, secret)) return { ok: false, reason: "'x-harmonia-token' does not match the webhook secret" };
    return { ok: true, provider: 'harmonia', delivery_id: deliveryId(headers, DELIVERY_HEADERS.harmonia) };
  }

  return {
    ok: false,
    reason: "missing signature; expected 'x-hub-signature-256', 'x-hub-signature', 'x-gitea-signature', 'x-gitlab-token' or 'x-harmonia-token'",
  };
}
