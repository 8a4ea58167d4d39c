/** The weak ETag of an answer's bytes, as conditional GET sends and compares it. */
import { createHash } from 'node:crypto';

/** `W/"<32 characters of the body's sha256, base64url>"`. */
export function weakEtag(body: string | Buffer): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}
