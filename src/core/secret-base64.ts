// Node-only (Buffer): kept apart from secret-text.ts, which the console's bundle imports.

// Shorter base64 runs than this are too common to hide, and give too little away.
const MIN_BASE64_CORE = 8;

/**
 * The base64 and base64url text a value shows wherever it is encoded inside other bytes:
 * for each of the three alignments, the characters that depend on the value's bytes alone
 * (`Basic dXNlcjpzM2NyM3Q=`, a key quoted back base64-encoded inside a JSON error). Masking
 * these hides the value in any base64 blob, leaving at most two of its bytes in the
 * characters at either end.
 * @example base64Cores('sk-live-0123456789') // ['c2stbGl2ZS0wMTIzNDU2Nzg5', ...]
 */
export function base64Cores(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const cores = new Set<string>();
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    // The first group mixes padding bytes with the value's unless offset is 0; the last is cut unless full.
    const start = offset === 0 ? 0 : 4;
    const end = Math.floor((offset + bytes.length) / 3) * 4;
    const whole = offset === 0 && bytes.length % 3 !== 0 ? encoded : null;
    const core = encoded.slice(start, end);
    for (const form of [core, whole]) {
      if (form === null || form.length < MIN_BASE64_CORE) continue;
      cores.add(form);
      cores.add(form.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
    }
  }
  return [...cores];
}
