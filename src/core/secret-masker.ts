/**
 * The one masker: what Harmonia shows or stores passes through it first. It hides
 * - every known secret value wherever it occurs inside any string (secret inputs, secret
 *   environment values, the server's own tokens, credentials a task sent), as CI systems
 *   mask their logs, and in the forms a task shows it in once escaped or encoded (JSON, URL,
 *   XML/HTML, base64 and base64url: derivedForms);
 * - the value under any secret-named key or credential header (`password`, `authorization`,
 *   `cookie`, ...);
 * - URL passwords and secret query parameters.
 * Every pass is linear in the size of what it masks.
 */
import { MASK, isExpressionOnly, isSecretKey, redactUrls, urlPasswords, type ScanMeter } from './secret-text.js';
import { base64Cores } from './secret-base64.js';
import { createKnownSecrets } from './known-secrets.js';
import { hasOwn } from './has-own.js';

/**
 * Values shorter than this are not masked by value: masking every `1` or `yes` would hide
 * ordinary output and tell an onlooker the secret's value anyway.
 */
export const MIN_SECRET_LENGTH = 4;
export { MAX_SECRETS } from './known-secrets.js';
// Deeper than any real payload. Past it nothing is copied or shown: returning the
// value as it is would show whatever secrets it holds further down.
const MAX_DEPTH = 64;
// Keys remembered with what they show (see keyInfo); past this, all are forgotten. Longer
// keys are not remembered: they are not the names every event repeats.
const MAX_KEPT_KEYS = 1_000;
const MAX_KEPT_KEY_LENGTH = 64;
// Credentials sent as `Bearer <token>`: the token alone is a secret too.
const AUTH_SCHEME = /^(?:bearer|basic|token|digest|negotiate|apikey)\s+/i;

/** Hides secrets in text and data. */
export interface SecretMasker {
  /** Adds secret values (too short or repeated ones are ignored). */
  add(values: Iterable<string>): void;
  /** Adds the values under secret-named keys and the URL passwords anywhere in `value`, so they are masked wherever else they occur. */
  learn(value: unknown): void;
  /** The text with every known secret, URL password and secret query parameter replaced by MASK. */
  maskText(text: string, meter?: ScanMeter): string;
  /** A deep copy of plain data with secret-keyed values and every string masked; the input is left as it is. */
  maskValue<T>(value: T): T;
  /**
   * Masked as maskValue masks, but copying only the objects and arrays on the way to a
   * change: the parts with nothing to mask (the whole input, most often) are the input's
   * own. For data nobody edits afterwards (the engine's events): no copy of every event.
   */
  maskShared<T>(value: T): T;
  /** How many secrets are known: values given to add, whatever number of derived forms each brings (MAX_SECRETS at most). */
  readonly size: number;
  /** Grows whenever the known values change, so a copy masked earlier can tell it is stale. */
  readonly generation: number;
}

/**
 * Creates a masker knowing `values`.
 * @example createSecretMasker(['hunter2-s3cr3t']).maskText('pw=hunter2-s3cr3t') // 'pw=**REDACTED**'
 */
export function createSecretMasker(values: Iterable<string> = []): SecretMasker {
  const book = createKnownSecrets();
  let generation = 0;

  const add = (items: Iterable<string>): void => {
    for (const value of items) {
      // The server adds the caller's token on every request: a known one costs a lookup, not
      // its derived forms again (a URLSearchParams, base64 at three alignments, a kilobyte of strings).
      if (typeof value !== 'string' || book.refresh(value)) continue;
      // One policy wherever a secret comes from: the value, and the secret inside it, each with every derived form.
      const forms: string[] = [];
      for (const secret of secretsIn(value)) {
        if (secret.length < MIN_SECRET_LENGTH) continue;
        forms.push(secret, ...derivedForms(secret));
      }
      const kept = forms.filter((form) => form.length >= MIN_SECRET_LENGTH && form !== MASK);
      // Rebuilt on the next use, once for a whole burst of additions.
      if (kept.length > 0 && book.add(value, kept)) generation += 1;
    }
  };

  const maskKnown = (text: string, meter?: ScanMeter): string => {
    if (book.values === 0 || text.length < MIN_SECRET_LENGTH) return text;
    const spans = book.spans(text, meter);
    if (spans.length === 0) return text;
    let out = '';
    let copied = 0;
    for (const [start, end] of spans) {
      out += text.slice(copied, start) + MASK;
      copied = end;
    }
    return out + text.slice(copied);
  };

  const maskText = (text: string, meter?: ScanMeter): string => redactUrls(maskKnown(text, meter), meter);

  // The keys of what the engine stores and answers repeat (`workflow_ref`, `task_id`, ...)
  // while the known values seldom change: a key's masked text and whether it names a secret
  // are kept until the next change of the known values, instead of two scans and a regular
  // expression per key of every event.
  const keys = new Map<string, KeyInfo>();
  let keysGeneration = generation;
  const keyInfo = (key: string): KeyInfo => {
    if (keysGeneration !== generation) {
      keys.clear();
      keysGeneration = generation;
    }
    let info = keys.get(key);
    if (info === undefined) {
      info = { shown: maskText(key), secret: isSecretKey(key) };
      if (key.length <= MAX_KEPT_KEY_LENGTH) {
        if (keys.size >= MAX_KEPT_KEYS) keys.clear();
        keys.set(key, info);
      }
    }
    return info;
  };

  // Called on every event the engine stores: no array or entry pair is made unless a value is found.
  const learnFrom = (value: unknown, depth: number, found: string[]): void => {
    if (typeof value === 'string') {
      if (value.includes('://')) found.push(...urlPasswords(value));
      return;
    }
    if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return;
    if (Array.isArray(value)) {
      for (let index = 0; index < value.length; index += 1) learnFrom(value[index], depth + 1, found);
      return;
    }
    if (!isPlainObject(value)) return;
    for (const key in value) {
      if (!hasOwn(value, key)) continue;
      const inner = value[key];
      if (typeof inner === 'string' && keyInfo(key).secret && !isExpressionOnly(inner)) found.push(inner);
      else learnFrom(inner, depth + 1, found);
    }
  };

  const maskDeep = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return maskText(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) return MASK;
    if (Array.isArray(value)) return value.map((item) => maskDeep(item, depth + 1));
    if (!isPlainObject(value)) return value;
    // A null prototype, so a key named `__proto__` stays an ordinary key of the copy.
    const out = Object.create(null) as Record<string, unknown>;
    for (const [key, inner] of Object.entries(value)) {
      const { shown: shownKey, secret } = keyInfo(key);
      if (secret && isDeclaration(inner)) {
        out[shownKey] = maskDeep(hideDeclaredValues(inner), depth + 1);
      } else if (secret && inner !== null && inner !== undefined && !(typeof inner === 'string' && isExpressionOnly(inner)) && !holdsNoSecret(key, inner)) {
        out[shownKey] = MASK;
      } else {
        out[shownKey] = maskDeep(inner, depth + 1);
      }
    }
    return out;
  };

  const maskShared = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return maskText(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > MAX_DEPTH) return MASK;
    if (Array.isArray(value)) {
      let copy: unknown[] | null = null;
      for (let index = 0; index < value.length; index += 1) {
        const item: unknown = value[index];
        const shown = maskShared(item, depth + 1);
        if (copy === null && shown !== item) copy = value.slice(0, index);
        if (copy !== null) copy.push(shown);
      }
      return copy ?? value;
    }
    if (!isPlainObject(value)) return value;
    let copy: Record<string, unknown> | null = null;
    for (const key in value) {
      if (!hasOwn(value, key)) continue;
      const inner = value[key];
      const info = keyInfo(key);
      const shownKey = info.shown;
      let shown: unknown;
      if (info.secret && isDeclaration(inner)) {
        shown = maskShared(hideDeclaredValues(inner), depth + 1);
      } else {
        const secret = info.secret && inner !== null && inner !== undefined && !(typeof inner === 'string' && isExpressionOnly(inner)) && !holdsNoSecret(key, inner);
        shown = secret ? MASK : maskShared(inner, depth + 1);
      }
      if (copy === null && (shownKey !== key || shown !== inner)) {
        // As in maskDeep: a null prototype keeps a key named `__proto__` an ordinary key.
        copy = Object.create(null) as Record<string, unknown>;
        for (const kept in value) {
          if (kept === key) break;
          if (hasOwn(value, kept)) copy[kept] = value[kept];
        }
      }
      if (copy !== null) copy[shownKey] = shown;
    }
    return copy ?? value;
  };

  // One list for every learn() (the engine calls it per event); emptied by each.
  const learned: string[] = [];

  add(values);
  return {
    add,
    learn(value) {
      try {
        learnFrom(value, 0, learned);
      } catch (error) {
        learned.length = 0;
        throw error;
      }
      if (learned.length > 0) add(learned.splice(0));
    },
    maskText,
    maskValue: <T>(value: T): T => maskDeep(value, 0) as T,
    maskShared: <T>(value: T): T => maskShared(value, 0) as T,
    get size() {
      return book.size;
    },
    get generation() {
      return generation;
    },
  };
}

const LINE_BREAK = /\r\n|\r|\n/;
// Under the u flag a pair is one code point, so only an unpaired half matches.
const LONE_SURROGATE = /\p{Cs}/u;
const MARKUP = /[&<>"']/;

/**
 * The secrets a value given to add holds: itself, without surrounding white space, the token
 * of a credential (`Bearer <token>`: the token alone is a secret too), and the text inside the
 * quotes a value was given in (`"s3cr3t"`, as GitHub Actions' runner trims them).
 */
function secretsIn(value: string): string[] {
  const found = [value];
  const trimmed = value.trim();
  if (trimmed !== value) found.push(trimmed);
  const scheme = AUTH_SCHEME.exec(trimmed);
  if (scheme) found.push(trimmed.slice(scheme[0].length));
  const first = trimmed.charCodeAt(0);
  if (trimmed.length > 2 && (first === 0x22 || first === 0x27) && trimmed.charCodeAt(trimmed.length - 1) === first) found.push(trimmed.slice(1, -1));
  return found;
}

/**
 * The forms a task shows a value in other than its exact text, which a reader decodes at a
 * glance (the derived forms of docs/security.md):
 * - each line of a value of several lines: a task log holds one line per entry, so a PEM key is
 *   never seen whole there (each line is a secret of its own, as CI systems mask them);
 * - the value escaped in JSON text, percent-encoded in a URL or a form, escaped in XML or HTML;
 * - its base64 and base64url text, alone, inside a longer encoded text at each alignment, or
 *   wrapped in lines (base64Cores).
 */
function derivedForms(value: string): string[] {
  const forms: string[] = [];
  if (LINE_BREAK.test(value)) {
    for (const line of value.split(LINE_BREAK)) forms.push(line.trim());
  }
  forms.push(JSON.stringify(value).slice(1, -1));
  // A lone surrogate has no percent-encoding; URLSearchParams writes it as U+FFFD.
  if (!LONE_SURROGATE.test(value)) forms.push(encodeURIComponent(value));
  forms.push(new URLSearchParams([['', value]]).toString().slice(1));
  if (MARKUP.test(value)) {
    const xml = value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
    forms.push(xml.replaceAll("'", '&apos;'), xml.replaceAll("'", '&#39;'));
  }
  forms.push(...base64Cores(value));
  return forms.filter((form) => form !== value);
}

/** What a key shows once masked, and whether its value is hidden. */
interface KeyInfo {
  shown: string;
  secret: boolean;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const VALUE_TYPES: ReadonlySet<unknown> = new Set(['string', 'integer', 'number', 'boolean', 'object', 'array']);
const DECLARATION_FLAGS: ReadonlySet<string> = new Set(['required', 'secret']);

/**
 * Whether `value` is the declaration of an input or parameter (`password: { type: string,
 * secret: true }`), which a workflow's, template's or action's definition holds under the
 * input's own, often secret-looking, name: it names a secret, it holds none but its
 * `default` and `enum`. Only the exact shape counts: a `type` among the value types, the
 * flags booleans, a text description, and no other key; anything else under a
 * secret-named key is hidden whole.
 */
function isDeclaration(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !isPlainObject(value)) return false;
  let keys = 0;
  let typed = false;
  for (const key in value) {
    if (!hasOwn(value, key)) continue;
    keys += 1;
    const inner = value[key];
    if (key === 'type') {
      if (!VALUE_TYPES.has(inner)) return false;
      typed = true;
    } else if (DECLARATION_FLAGS.has(key)) {
      if (typeof inner !== 'boolean') return false;
    } else if (key === 'description') {
      if (typeof inner !== 'string') return false;
    } else if (key !== 'default' && key !== 'enum') {
      return false;
    }
  }
  return keys > 0 && (typed || value.secret === true);
}

/** A declaration with its `default` and `enum` (the values it holds) hidden; the declaration itself when it has neither. */
function hideDeclaredValues(declaration: Record<string, unknown>): Record<string, unknown> {
  if (!('default' in declaration) && !('enum' in declaration)) return declaration;
  const out = Object.create(null) as Record<string, unknown>;
  for (const key in declaration) {
    if (!hasOwn(declaration, key)) continue;
    out[key] = key === 'default' || key === 'enum' ? MASK : declaration[key];
  }
  return out;
}

// `prompt_tokens: 12`, `max_tokens: 256` (language-model usage and limits) count tokens, and
// `secret: true` (an input's declaration) is a flag: neither holds a secret.
function holdsNoSecret(key: string, value: unknown): boolean {
  return typeof value === 'boolean' || (typeof value === 'number' && /_tokens$/i.test(key));
}
