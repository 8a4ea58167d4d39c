/**
 * What counts as a secret, shared by everything that shows values to people: the
 * server's masking of responses, events and logs, and error messages that quote a
 * value (input validation, outbound HTTP).
 */

/** Keys whose values are never shown. */
export const SECRET_KEY_PATTERN = /password|passwd|token|api[_-]?key|secret|credential/i;

/** What a hidden value is replaced with. */
export const MASK = '**REDACTED**';

// scheme://user:password@ — the password part, up to the '@' that ends the userinfo.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:)[^\s/?#@]*@/gi;
// ?token=…, &api_key=…, &password=… in a URL's query.
const SECRET_QUERY = /([?&][^=&#\s]*(?:password|passwd|token|api[_-]?key|secret|credential)[^=&#\s]*=)[^&#\s]*/gi;

/** True when a key names a secret (`password`, `api_key`, `x-auth-token`, ...). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key);
}

/**
 * Hides the secrets a URL (or any text holding URLs) may carry: the password of
 * `scheme://user:password@host` and the values of secret-named query parameters.
 * @example redactUrls('GET http://bob:hunter2@h/x?token=t') // 'GET http://bob:**REDACTED**@h/x?token=**REDACTED**'
 */
export function redactUrls(text: string): string {
  if (!text.includes('://') && !text.includes('=')) return text;
  return text.replace(URL_PASSWORD, `$1${MASK}@`).replace(SECRET_QUERY, `$1${MASK}`);
}

/** A value as an error message may quote it: hidden when its name is a secret's. */
export function quotableValue(name: string, shown: string): string {
  return isSecretKey(name) ? MASK : shown;
}
