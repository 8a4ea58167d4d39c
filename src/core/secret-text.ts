/**
 * What counts as a secret, shared by everything that shows values to people: the
 * server's masking of responses, events and logs, and error messages that quote a
 * value (input validation, outbound HTTP).
 *
 * Every pass here is a single left-to-right scan (no backtracking regular expression over
 * the text), so masking a string costs time linear in its length whatever it holds.
 */

/** Keys whose values are never shown. */
export const SECRET_KEY_PATTERN = /password|passwd|token|api[_-]?key|secret|credential|private[_-]?key/i;

/** Well-known HTTP headers that carry credentials without a secret-looking name. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'cookie2', 'set-cookie', 'set-cookie2', 'x-api-key', 'x-amz-security-token']);

/** What a hidden value is replaced with. */
export const MASK = '**REDACTED**';

/** Counts the characters a scan inspects, so tests can prove a pass linear without a clock. */
export interface ScanMeter {
  steps: number;
}

// Keys longer than this are not names anyone gives a secret; testing them is wasted work.
const MAX_KEY_LENGTH = 256;

/** True when a key names a secret (`password`, `api_key`, `x-auth-token`, `authorization`, `cookie`, ...). */
export function isSecretKey(key: string): boolean {
  if (key.length > MAX_KEY_LENGTH) return false;
  return SECRET_KEY_PATTERN.test(key) || CREDENTIAL_HEADERS.has(key.toLowerCase());
}

/**
 * Hides the secrets a URL (or any text holding URLs) may carry: the password of
 * `scheme://user:password@host` and the values of secret-named query parameters
 * (`isSecretQueryName`: `token`, `api_key`, Google's `key`, a signed URL's `sig`, ...).
 * Linear in the text's length.
 * @example redactUrls('GET http://bob:hunter2@h/x?token=t') // 'GET http://bob:**REDACTED**@h/x?token=**REDACTED**'
 */
export function redactUrls(text: string, meter?: ScanMeter): string {
  if (!text.includes('://') && !text.includes('=')) return text;
  return redactQuery(redactUserinfo(text, meter), meter);
}

function isSpace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x2028 || code === 0x2029 || code === 0xfeff;
}

function isSchemeChar(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x2b || code === 0x2d || code === 0x2e;
}

/**
 * `scheme://user:password@` → `scheme://user:**REDACTED**@`. Each scan of a userinfo stops
 * at '/', so it never runs past the next '://': every character is looked at a bounded
 * number of times.
 */
function redactUserinfo(text: string, meter?: ScanMeter): string {
  let out = '';
  let copied = 0;
  let from = 0;
  for (;;) {
    const at = text.indexOf('://', from);
    if (at < 0) break;
    if (meter) meter.steps += at - from + 1;
    from = at + 3;
    if (at === 0 || !isSchemeChar(text.charCodeAt(at - 1))) continue;
    let colon = -1;
    let i = from;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x40 || isSpace(c)) break;
      if (c === 0x3a && colon < 0) colon = i;
    }
    if (meter) meter.steps += i - from;
    if (colon >= 0 && i < text.length && text.charCodeAt(i) === 0x40) {
      out += text.slice(copied, colon + 1) + MASK;
      copied = i;
    }
    // i - 2: a '://' may begin at the ':' or '/' that ended this scan.
    from = Math.max(from, i - 2);
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** The passwords of `scheme://user:password@` URLs in a text, so they can be masked wherever else they occur. Linear. */
export function urlPasswords(text: string): string[] {
  const found: string[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf('://', from);
    if (at < 0) return found;
    from = at + 3;
    if (at === 0 || !isSchemeChar(text.charCodeAt(at - 1))) continue;
    let colon = -1;
    let i = from;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x40 || isSpace(c)) break;
      if (c === 0x3a && colon < 0) colon = i;
    }
    if (colon >= 0 && i < text.length && text.charCodeAt(i) === 0x40 && i > colon + 1) {
      const password = text.slice(colon + 1, i);
      found.push(password);
      try {
        const decoded = decodeURIComponent(password);
        if (decoded !== password) found.push(decoded);
      } catch {
        // Not percent-encoded after all: the raw form is enough.
      }
    }
    from = Math.max(from, i - 2);
  }
}

/**
 * Query parameter names that carry a credential in a URL without a secret-looking name:
 * Google's APIs take their key as `?key=`, signed URLs (Azure SAS, S3, GCS) their
 * signature as `sig` or `signature`. Only as query names: a JSON field called `key` or
 * `signature` is often no secret at all.
 */
const CREDENTIAL_QUERY_NAMES = new Set(['key', 'sig', 'signature', 'x-amz-signature', 'x-goog-signature', 'x-amz-credential', 'x-goog-credential']);

/** True when a URL query parameter's name says its value is a secret (`token`, `api_key`, `key`, `sig`, ...). */
export function isSecretQueryName(name: string): boolean {
  return isSecretKey(name) || CREDENTIAL_QUERY_NAMES.has(name.toLowerCase());
}

/**
 * The values of a URL's secret-named query parameters (raw and decoded), so the masker
 * can hide them wherever else they appear. Empty for a text that is no URL.
 */
export function urlQuerySecrets(url: string): string[] {
  if (!URL.canParse(url)) return [];
  const found: string[] = [];
  for (const [name, value] of new URL(url).searchParams) if (value !== '' && isSecretQueryName(name)) found.push(value, encodeURIComponent(value));
  return [...new Set(found)];
}

/**
 * `?token=…` / `&api_key=…` / `&key=…` → the value masked. A parameter name ends at the next
 * delimiter, which starts the next name, so the scans never overlap.
 */
function redactQuery(text: string, meter?: ScanMeter): string {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (meter) meter.steps++;
    if (c !== 0x3f && c !== 0x26) {
      i++;
      continue;
    }
    let j = i + 1;
    for (; j < text.length; j++) {
      const d = text.charCodeAt(j);
      if (d === 0x3d || d === 0x26 || d === 0x23 || d === 0x3f || isSpace(d)) break;
    }
    if (meter) meter.steps += j - i;
    if (j >= text.length || text.charCodeAt(j) !== 0x3d) {
      i = j;
      continue;
    }
    const secret = isSecretQueryName(text.slice(i + 1, j));
    let k = j + 1;
    for (; k < text.length; k++) {
      const d = text.charCodeAt(k);
      if (d === 0x26 || d === 0x23 || isSpace(d)) break;
    }
    if (meter) meter.steps += k - j;
    if (secret) {
      out += text.slice(copied, j + 1) + MASK;
      copied = k;
    }
    i = k;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** True when a string is only one expression (`${env.API_TOKEN}`): it names where a secret comes from, not the secret. */
export function isExpressionOnly(value: string): boolean {
  const text = value.trim();
  return text.startsWith('${') && text.endsWith('}') && text.indexOf('}') === text.length - 1;
}

/** A value as an error message may quote it: hidden when its name is a secret's or it is declared secret. */
export function quotableValue(name: string, shown: string, declaredSecret = false): string {
  return declaredSecret || isSecretKey(name) ? MASK : shown;
}
