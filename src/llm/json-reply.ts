/**
 * Models wrap JSON in prose or a ```json fence more often than not; this reads the JSON
 * value out of a reply, or says why it could not.
 */
export type JsonReply = { ok: true; value: unknown } | { ok: false; message: string };

const FENCE = /```(?:json|JSON)?\s*\n([\s\S]*?)\n?```/;

/** Parses the JSON of a reply: the whole text, else its first fenced block, else its outermost {...} or [...]. */
export function parseJsonReply(text: string): JsonReply {
  const candidates = [text.trim()];
  const fenced = FENCE.exec(text);
  if (fenced?.[1] !== undefined) candidates.push(fenced[1].trim());
  for (const [open, close] of [['{', '}'], ['[', ']']] as const) {
    const start = text.indexOf(open);
    const end = text.lastIndexOf(close);
    if (start >= 0 && end > start) candidates.push(text.slice(start, end + 1));
  }
  let first = '';
  for (const candidate of candidates) {
    try {
      return { ok: true, value: JSON.parse(candidate) as unknown };
    } catch (error) {
      first ||= error instanceof Error ? error.message : String(error);
    }
  }
  return { ok: false, message: `the reply is not JSON (${first})` };
}
