/**
 * The token file: `<data_dir>/tokens.json` holds the sha256 of every API token the
 * CLI created, never the token itself. `harmonia token create` prints a new token
 * once; the server verifies bearer tokens against the hashes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { HarmoniaError } from '../core/errors.js';

/**
 * read < write < admin nest; `approve` stands apart: it lets a token decide core.approval
 * tasks (those that require it) and nothing else, so approvers need not be able to write;
 * `trigger` likewise lets a sender deliver to webhook triggers that accept tokens and nothing else.
 */
export type Scope = 'read' | 'write' | 'admin' | 'approve' | 'trigger';
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin', 'approve', 'trigger'];

/** Every token created by the CLI starts with this, so leaked ones are easy to find. */
export const TOKEN_PREFIX = 'hmn_';

/** One stored token: its hash, never its text. */
export interface StoredToken {
  /** Short public id used to list and revoke (`tok_` + 8 hex). */
  id: string;
  /** sha256 of the token text, hex. */
  sha256: string;
  /** The first characters of the token (`hmn_ab12`), to recognise it in a list. */
  hint: string;
  scopes: Scope[];
  label: string | null;
  created_at: string;
  /** ISO time after which the token is refused; null = never. */
  expires_at: string | null;
  revoked_at: string | null;
}

export interface TokenFile {
  version: 1;
  tokens: StoredToken[];
}

export interface CreateTokenOptions {
  /** @default ['read', 'write'] */
  scopes?: Scope[];
  label?: string;
  /** Lifetime in seconds; omitted = never expires. */
  expires_in_seconds?: number;
  /** @default new Date() */
  now?: Date;
}

export interface CreatedToken {
  /** The token text: shown once, stored nowhere. */
  token: string;
  record: StoredToken;
}

/** The token file of a data directory. */
export function tokenFilePath(dataDir: string): string {
  return join(dataDir, 'tokens.json');
}

/** sha256 hex of a token text. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Reads a token file; a missing file is an empty one. Throws CONFIG_INVALID on a corrupt file. */
export function readTokenFile(file: string): TokenFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return { version: 1, tokens: [] };
    throw new HarmoniaError('CONFIG_INVALID', `cannot read token file '${file}'`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new HarmoniaError('CONFIG_INVALID', `token file '${file}' is not valid JSON; fix or remove it`, { cause });
  }
  if (!isTokenFile(parsed)) {
    throw new HarmoniaError('CONFIG_INVALID', `token file '${file}' does not have the shape {version: 1, tokens: [...]}`);
  }
  return parsed;
}

function writeTokenFile(file: string, content: TokenFile): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

/**
 * Creates a token, stores its hash in `file` and returns the text once.
 * @example
 * const { token } = createToken(tokenFilePath(dataDir), { scopes: ['read'] });
 */
export function createToken(file: string, options: CreateTokenOptions = {}): CreatedToken {
  const scopes = options.scopes ?? ['read', 'write'];
  for (const scope of scopes) {
    if (!SCOPES.includes(scope)) {
      throw new HarmoniaError('USAGE_INVALID', `unknown scope '${String(scope)}'; use read, write or admin`);
    }
  }
  if (options.expires_in_seconds !== undefined && !(options.expires_in_seconds > 0)) {
    throw new HarmoniaError('USAGE_INVALID', `expiry '${options.expires_in_seconds}' must be a positive number of seconds`);
  }
  const now = options.now ?? new Date();
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const record: StoredToken = {
    id: `tok_${randomBytes(4).toString('hex')}`,
    sha256: hashToken(token),
    hint: token.slice(0, TOKEN_PREFIX.length + 4),
    scopes: [...new Set(scopes)],
    label: options.label ?? null,
    created_at: now.toISOString(),
    expires_at:
      options.expires_in_seconds === undefined
        ? null
        : new Date(now.getTime() + options.expires_in_seconds * 1000).toISOString(),
    revoked_at: null,
  };
  const content = readTokenFile(file);
  content.tokens.push(record);
  writeTokenFile(file, content);
  return { token, record };
}

/** Every stored token (hashes included, texts never). */
export function listTokens(file: string): StoredToken[] {
  return readTokenFile(file).tokens;
}

/** Marks a token revoked. Throws NOT_FOUND when no token has that id. */
export function revokeToken(file: string, id: string, now: Date = new Date()): StoredToken {
  const content = readTokenFile(file);
  const record = content.tokens.find((t) => t.id === id);
  if (!record) {
    const known = content.tokens.map((t) => t.id).join(', ') || 'none';
    throw new HarmoniaError('NOT_FOUND', `no token with id '${id}'; known ids: ${known}`);
  }
  record.revoked_at ??= now.toISOString();
  writeTokenFile(file, content);
  return record;
}

export type TokenCheck =
  | { kind: 'valid'; record: StoredToken }
  | { kind: 'expired'; record: StoredToken }
  | { kind: 'revoked'; record: StoredToken }
  | { kind: 'unknown' };

/** Looks a token text up among stored hashes in constant time per entry. */
export function checkStoredToken(tokens: readonly StoredToken[], token: string, now: Date): TokenCheck {
  const digest = createHash('sha256').update(token, 'utf8').digest();
  const storedDigests = digestsOf(tokens);
  for (let i = 0; i < tokens.length; i += 1) {
    const record = tokens[i] as StoredToken;
    const stored = storedDigests[i] as Buffer;
    if (stored.length !== digest.length || !timingSafeEqual(stored, digest)) continue;
    if (record.revoked_at !== null) return { kind: 'revoked', record };
    if (record.expires_at !== null && Date.parse(record.expires_at) <= now.getTime()) return { kind: 'expired', record };
    return { kind: 'valid', record };
  }
  return { kind: 'unknown' };
}

// The stored hashes decoded once per list read from the file, not once per request.
const decoded = new WeakMap<readonly StoredToken[], Buffer[]>();

function digestsOf(tokens: readonly StoredToken[]): Buffer[] {
  let digests = decoded.get(tokens);
  if (digests === undefined) {
    digests = tokens.map((record) => Buffer.from(record.sha256, 'hex'));
    decoded.set(tokens, digests);
  }
  return digests;
}

/** True when the file holds at least one token that is neither revoked nor expired. */
export function hasActiveTokens(tokens: readonly StoredToken[], now: Date): boolean {
  return tokens.some(
    (t) => t.revoked_at === null && (t.expires_at === null || Date.parse(t.expires_at) > now.getTime()),
  );
}

/**
 * Reads the token file again only when its modification time changed, so a
 * revocation by the CLI takes effect on the next request without a restart. The file is
 * looked at once per turn of the event loop at most: a request asks several times (is
 * auth on, whose token, is it still valid), and requests read in the same turn share one
 * look.
 */
export function createTokenFileReader(file: string): () => StoredToken[] {
  let cachedKey = '';
  let cached: StoredToken[] = [];
  let looked = false;
  const forget = (): void => {
    looked = false;
  };
  return () => {
    if (looked) return cached;
    let key: string;
    try {
      const stat = statSync(file);
      // writes go through rename, so the inode changes even within one mtime tick
      key = `${stat.mtimeMs}:${stat.ino}:${stat.size}`;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      key = 'absent';
    }
    if (key !== cachedKey) {
      cached = key === 'absent' ? [] : readTokenFile(file).tokens;
      cachedKey = key;
    }
    looked = true;
    setImmediate(forget);
    return cached;
  };
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

function isTokenFile(value: unknown): value is TokenFile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { version?: unknown; tokens?: unknown };
  return v.version === 1 && Array.isArray(v.tokens) && v.tokens.every(isStoredToken);
}

function isStoredToken(value: unknown): value is StoredToken {
  if (typeof value !== 'object' || value === null) return false;
  const t = value as Record<string, unknown>;
  return (
    typeof t.id === 'string' &&
    typeof t.sha256 === 'string' &&
    Array.isArray(t.scopes) &&
    t.scopes.every((s) => typeof s === 'string' && (SCOPES as readonly string[]).includes(s))
  );
}
