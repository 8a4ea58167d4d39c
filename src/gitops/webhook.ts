/**
 * Verifies that a webhook delivery comes from the git host that shares our secret,
 * before anything is fetched. Three schemes, chosen by the header present:
 * - GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`;
 * - GitLab: `X-Gitlab-Token: <secret>`;
 * - any other sender (a CI job, curl): `X-Harmonia-Token: <secret>`.
 * Every comparison runs in constant time, so a wrong guess says nothing about how
 * close it was.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Request headers as Node gives them (lower-case names). */
export type WebhookHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

export type WebhookProvider = 'github' | 'gitlab' | 'harmonia';

export interface VerifyWebhookInput {
  headers: WebhookHeaders;
  /** The body exactly as received: the signature covers these bytes, not re-serialised JSON. */
  rawBody: Buffer | string;
  /** The shared secret configured on the git host. */
  secret: string;
}

export type WebhookVerification =
  | { ok: true; provider: WebhookProvider; delivery_id: string }
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

function deliveryId(headers: WebhookHeaders, rawBody: Buffer | string, names: readonly string[]): string {
  for (const name of names) {
    const value = headerValue(headers, name)?.trim();
    if (value) return value;
  }
  // Without a delivery header the body itself identifies the delivery: a push payload
  // names its commits, so the same bytes mean the same push.
  return `body-${createHash('sha256').update(rawBody).digest('hex')}`;
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

  const signature = headerValue(headers, 'x-hub-signature-256');
  if (signature !== undefined) {
    const match = /^sha256=([0-9a-f]{64})$/i.exec(signature.trim());
    if (!match?.[1]) return { ok: false, reason: "malformed 'x-hub-signature-256' header; expected 'sha256=<64 hex>'" };
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    const given = Buffer.from(match[1], 'hex');
    if (!timingSafeEqual(expected, given)) return { ok: false, reason: 'signature does not match the payload' };
    return { ok: true, provider: 'github', delivery_id: deliveryId(headers, rawBody, ['x-github-delivery']) };
  }

  const gitlab = headerValue(headers, 'x-gitlab-token');
  if (gitlab !== undefined) {
    if (!safeEqual(gitlab, secret)) return { ok: false, reason: "'x-gitlab-token' does not match the webhook secret" };
    return {
      ok: true,
      provider: 'gitlab',
      delivery_id: deliveryId(headers, rawBody, ['x-gitlab-event-uuid', 'x-gitlab-webhook-uuid', 'idempotency-key']),
    };
  }

  const token = headerValue(headers, 'x-harmonia-token');
  if (token !== undefined) {
    if (!safeEqual(token, secret)) return { ok: false, reason: "'x-harmonia-token' does not match the webhook secret" };
    return { ok: true, provider: 'harmonia', delivery_id: deliveryId(headers, rawBody, ['x-harmonia-delivery']) };
  }

  return {
    ok: false,
    reason: "missing signature; expected 'x-hub-signature-256', 'x-gitlab-token' or 'x-harmonia-token'",
  };
}
