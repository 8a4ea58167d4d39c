/**
 * Strict request bodies: a body is parsed only as the media type it declares, and
 * only if the route accepts that type; its size is capped before it is read whole.
 */
import type { IncomingMessage } from 'node:http';
import { HarmoniaError } from '../core/errors.js';
import type { BodyType } from './route.js';
import { firstInvalidUtf8 } from '../core/utf8.js';

const MEDIA_TYPES: Record<string, BodyType> = {
  'application/json': 'json',
  'application/yaml': 'yaml',
  'application/x-yaml': 'yaml',
  'text/yaml': 'yaml',
  'text/x-yaml': 'yaml',
};

export interface ReadBodyOptions {
  accepts: readonly BodyType[];
  max_bytes: number;
  /** Named in the 413 so the caller knows which setting to raise. */
  limit_name: string;
}

export interface ReadBody {
  type: BodyType | undefined;
  text: string | undefined;
  value: unknown;
}

/** True when the request carries a body (a length above zero, or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/** The body type a Content-Type header names, or undefined for anything else. */
export function bodyTypeOf(contentType: string | undefined): BodyType | undefined {
  if (contentType === undefined) return undefined;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return MEDIA_TYPES[mediaType];
}

/** Reads, size-checks and parses a request body. Throws 413/415/400 as HarmoniaErrors. */
export async function readBody(req: IncomingMessage, options: ReadBodyOptions): Promise<ReadBody> {
  if (!hasBody(req)) return { type: undefined, text: undefined, value: undefined };
  refuseContentCoding(req.headers['content-encoding']);
  const contentType = req.headers['content-type'];
  const type = bodyTypeOf(contentType);
  if (type === undefined || !options.accepts.includes(type)) throw unsupportedType(contentType, options.accepts);
  const text = decodeUtf8((await readRawBody(req, options)) ?? Buffer.alloc(0));
  return { type, text, value: parseText(text, type) };
}

function unsupportedType(contentType: string | undefined, accepts: readonly BodyType[]): HarmoniaError {
  const accepted = accepts.flatMap((t) => (t === 'json' ? ['application/json'] : ['application/yaml', 'text/yaml']));
  return new HarmoniaError(
    'UNSUPPORTED_MEDIA_TYPE',
    `content type '${contentType ?? 'none'}' is not accepted here; send ${accepted.join(' or ')}`,
    { details: { accepted } },
  );
}

/** The content codings a request body may be sent in (RFC 9110 §8.4): none but identity. */
export const ACCEPTED_CODINGS = ['identity'] as const;

/**
 * Refuses a body sent in a content coding (gzip, br, deflate...): its bytes are not the
 * media type's, so reading them as JSON would answer 'not UTF-8' or 'not JSON' for a
 * request that is well formed in a way this server does not take. RFC 9110 §15.5.16: 415,
 * and the error middleware names what is accepted in Accept-Encoding.
 */
function refuseContentCoding(header: string | undefined): void {
  if (header === undefined) return;
  const codings = header.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  if (codings.length === 0) return;
  const named = header.length > 100 ? `${header.slice(0, 100)}…` : header;
  throw new HarmoniaError('UNSUPPORTED_MEDIA_TYPE', `content coding '${named}' is not accepted for a request body; send it uncompressed (identity)`, {
    details: { content_encoding: named, accepted_encodings: [...ACCEPTED_CODINGS] },
  });
}

/**
 * A body read raw (a webhook's, whose signature covers the bytes), parsed once its sender is
 * verified with the checks readBody makes: 415 unless it declares application/json, 400 for
 * bytes that are not UTF-8, for nesting past the limit and for text that is not JSON.
 * undefined for an empty body.
 */
export function parseRawJson(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  if (bodyTypeOf(contentType) !== 'json') throw unsupportedType(contentType, ['json']);
  return parseText(decodeUtf8(raw), 'json');
}

/**
 * The body as text, refusing bytes that are not UTF-8: decoding them leniently would store
 * U+FFFD in place of what the client sent, silently changing names and values.
 */
function decodeUtf8(bytes: Buffer): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    throw new HarmoniaError('REQUEST_INVALID', `request body is not valid UTF-8 at byte ${bad}; send UTF-8 text`, {
      details: { encoding: 'utf-8', byte_offset: bad },
    });
  }
  return bytes.toString('utf8');
}

/**
 * Reads a body's bytes as sent, whatever its media type, size-checked like readBody;
 * undefined when there is none. For webhooks, whose signature covers the exact bytes.
 */
export async function readRawBody(req: IncomingMessage, options: Omit<ReadBodyOptions, 'accepts'>): Promise<Buffer | undefined> {
  if (!hasBody(req)) return undefined;
  refuseContentCoding(req.headers['content-encoding']);
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > options.max_bytes) throw tooLarge(options, declared);
  return collectBody(req, options);
}

/**
 * The body's bytes, read with listeners rather than `for await`: the async iterator, its
 * end-of-stream watcher and their promises were about a sixth of a start's HTTP work.
 * Over the limit the rest of the body is dropped unread and the 413 answered, as before.
 */
function collectBody(req: IncomingMessage, options: Omit<ReadBodyOptions, 'accepts'>): Promise<Buffer> {
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  if (req.destroyed) return Promise.reject(prematureClose());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const done = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > options.max_bytes) {
        // The rest is read and dropped, so the 413 still reaches the client (a destroyed
        // request would take its socket with it).
        done();
        req.resume();
        reject(tooLarge(options, received));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    // The client went away before the body's end (no 'end' will come), as `for await` reports it.
    const onClose = (): void => {
      done();
      reject(prematureClose());
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * JSON is parsed here; YAML is left as text for the pack pipeline, which owns the
 * YAML parser and reports syntax errors as diagnostics with positions.
 */
function parseText(text: string, type: BodyType): unknown {
  if (type === 'yaml') return undefined;
  const depth = nestingDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    // JSON.parse copes, but every recursive walk after it (validation, masking, the engine) would not
    throw new HarmoniaError('REQUEST_INVALID', `request body nests ${depth} levels deep; at most ${MAX_JSON_DEPTH} are accepted`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new HarmoniaError('REQUEST_INVALID', `request body is not valid JSON: ${(error as Error).message.toLowerCase()}`);
  }
  // JSON writes U+0000 only escaped: a body without the escape holds none (one scan, no walk).
  if (text.includes('\\u0000')) {
    const at = nulPointer(value, '');
    if (at !== null) throw nulRefused(`the request body at '${at}'`, { pointer: at });
  }
  return value;
}

/** The JSON pointer of the first key or string holding U+0000, or null. */
function nulPointer(value: unknown, at: string): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? at : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const path = `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (key.includes('\u0000')) return path;
    const found = nulPointer(item, path);
    if (found !== null) return found;
  }
  return null;
}

/**
 * U+0000 in a request: PostgreSQL cannot hold it in text (a 500 there, stored on SQLite),
 * and no id, name, filter or value needs it, so every route refuses it alike (400).
 */
export function nulRefused(where: string, details: Record<string, unknown> = {}): HarmoniaError {
  return new HarmoniaError('REQUEST_INVALID', `${where} holds the character U+0000 (NUL), which is not accepted; remove it`, { details });
}

/** Throws REQUEST_INVALID when a decoded path parameter or query value holds U+0000. */
export function refuseNul(values: Record<string, string | readonly string[] | undefined>, kind: 'path segment' | 'query parameter'): void {
  for (const [name, value] of Object.entries(values)) {
    const texts = typeof value === 'string' ? [value] : (value ?? []);
    if (texts.some((text) => text.includes('\u0000'))) throw nulRefused(`${kind} '${name}'`, { parameter: name });
  }
}

const MAX_JSON_DEPTH = 256;

/** The deepest nesting of arrays and objects in JSON text (strings skipped); stops counting past the limit. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > MAX_JSON_DEPTH) return deepest;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

function tooLarge(options: Pick<ReadBodyOptions, 'max_bytes' | 'limit_name'>, size: number): HarmoniaError {
  return new HarmoniaError(
    'REQUEST_TOO_LARGE',
    `request body of ${size} bytes exceeds ${options.limit_name} (${options.max_bytes} bytes)`,
    { details: { limit: options.limit_name, max_bytes: options.max_bytes, received_bytes: size } },
  );
}
