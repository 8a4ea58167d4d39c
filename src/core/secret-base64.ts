/**
 * The base64 and base64url text a secret shows once a task encodes it, alone or inside other
 * bytes (`Authorization: Basic base64(user:secret)`, a kubeconfig, a JWT-like blob), so the
 * masker can hide those too — as GitHub Actions' runner does with its base64 "value encoders".
 * No Buffer: the masker holding these lives in `core`, which stays free of Node-only APIs.
 */

/** Shorter base64 runs than this inside other text are not hidden: too common, and they give too little away. */
export const MIN_BASE64_CORE = 8;
// The masker's MIN_SECRET_LENGTH: a shorter value is not masked by value in any form.
const MIN_ALONE_BYTES = 4;
/** Line widths base64 is wrapped at by common tools: 76 (coreutils `base64`, MIME), 64 (PEM, `openssl base64`). */
const WRAP_WIDTHS = [76, 64];

const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENCODER = new TextEncoder();

/** Padded standard base64 of `bytes`, as if `offset` zero bytes came before them. */
function encode(bytes: Uint8Array, offset: number): string {
  const total = offset + bytes.length;
  const at = (index: number): number => (index < offset ? 0 : (bytes[index - offset] as number));
  let out = '';
  for (let index = 0; index < total; index += 3) {
    const word = (at(index) << 16) | (index + 1 < total ? at(index + 1) << 8 : 0) | (index + 2 < total ? at(index + 2) : 0);
    out += STANDARD.charAt((word >> 18) & 63) + STANDARD.charAt((word >> 12) & 63);
    out += index + 1 < total ? STANDARD.charAt((word >> 6) & 63) : '=';
    out += index + 2 < total ? STANDARD.charAt(word & 63) : '=';
  }
  return out;
}

/** The base64url spelling of standard base64 text, unpadded (as JWTs and most URL-safe encoders write it). */
function toUrlAlphabet(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d) end -= 1;
  return text.slice(0, end).replaceAll('+', '-').replaceAll('/', '_');
}

/**
 * The base64 and base64url forms of `value` to hide, each linear in its length:
 * - the value encoded alone (`btoa(secret)`), padded and unpadded, when it is 4 bytes or more;
 * - for each of the three alignments the value's bytes can take inside a longer encoded text,
 *   the characters that depend on its bytes alone (a group of four it shares with a neighbour
 *   is left out), when at least MIN_BASE64_CORE long: masking these leaves at most two of its
 *   bytes readable at either end;
 * - the lines of its encoding wrapped at 76 or 64 columns, when it is longer than a line.
 * @example base64Cores('sk-live-0123456789') // ['c2stbGl2ZS0wMTIzNDU2Nzg5', ...]
 */
export function base64Cores(value: string): string[] {
  const bytes = ENCODER.encode(value);
  const forms = new Set<string>();
  const keep = (form: string, alone: boolean, url = true): void => {
    if (!alone && form.length < MIN_BASE64_CORE) return;
    forms.add(form);
    if (url) forms.add(toUrlAlphabet(form));
  };
  for (let offset = 0; offset < 3; offset += 1) {
    const encoded = encode(bytes, offset);
    // The first group mixes the zero bytes with the value's unless offset is 0; the last is cut unless full.
    const core = encoded.slice(offset === 0 ? 0 : 4, Math.floor((offset + bytes.length) / 3) * 4);
    keep(core, false);
    if (offset !== 0) continue;
    // Encoded alone, the value's last group is its own, padding and all.
    if (bytes.length >= MIN_ALONE_BYTES) keep(encoded, true);
    // Wrapped lines are written in the standard alphabet only.
    for (const width of WRAP_WIDTHS) {
      if (encoded.length <= width) continue;
      for (let start = 0; start < encoded.length; start += width) keep(encoded.slice(start, start + width), false, false);
    }
  }
  return [...forms];
}
