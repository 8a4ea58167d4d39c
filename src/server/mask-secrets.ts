import { createSecretMasker, type SecretMasker } from '../core/secret-masker.js';
import { MASK, SECRET_KEY_PATTERN, redactUrls } from '../core/secret-text.js';

/** Keys whose values are never shown: logs, events and API responses. */
export { SECRET_KEY_PATTERN, MASK };

// Knows no values: masks by key name, credential header and URL only. Built on first use.
let byKeyOnly: SecretMasker | null = null;

/**
 * Returns a deep copy of `value` with secrets hidden: every value `masker` knows wherever it
 * occurs, the value of every secret-named key or credential header, and the passwords of
 * `scheme://user:password@` URLs and secret query parameters in every string. A value that
 * is only an expression (`${env.API_TOKEN}`) is kept: it names where a secret comes from,
 * not the secret. Without `masker`, no values are known.
 */
export function maskSecrets<T>(value: T, masker?: SecretMasker): T {
  byKeyOnly ??= createSecretMasker();
  return (masker ?? byKeyOnly).maskValue(value);
}

/**
 * The JSON text of `value` as maskSecrets would show it, without the deep copy: only the
 * objects on the way to a masked value are copied (the masker's maskShared), since the
 * masked form is serialised at once and never kept. An answer with nothing to hide (most)
 * allocates nothing but its text.
 */
export function maskedJson(value: unknown, masker?: SecretMasker): string {
  byKeyOnly ??= createSecretMasker();
  return JSON.stringify((masker ?? byKeyOnly).maskShared(value));
}

/** Masks `token=` (and other secret) query parameters and URL passwords so stream URLs never reach a log. */
export function maskUrl(url: string): string {
  return redactUrls(url);
}
