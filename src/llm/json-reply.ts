/**
 * Models wrap JSON in prose or a ```json fence more often than not; this reads the JSON
 * value out of a reply, or says why it could not. Every pass is linear in the reply's
 * length: the reply comes from a model server and may be megabytes of anything.
 */
export type JsonReply = { ok: true; value: unknown } | { ok: false; message: string };

const FENCE = '```';

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029;
}

/**
 * The body of the first fence opened by ``` (or ```json / ```JSON), then whitespace holding
 * a line break, and closed by the next ```. Scanned by hand: a backtracking pattern over a
 * fence that never closes took time quadratic in the line breaks.
 */
export function fencedJson(text: string): string | null {
  for (let open = text.indexOf(FENCE); open >= 0; open = text.indexOf(FENCE, open + FENCE.length)) {
    let i = open + FENCE.length;
    if (text.startsWith('json', i) || text.startsWith('JSON', i)) i += 4;
    let broke = false;
    for (; i < text.length && isSpace(text.charCodeAt(i)); i++) if (text.charCodeAt(i) === 0x0a) broke = true;
    if (!broke) continue;
    // No closing fence after this one means no fence opens later either (it would close this one).
    const close = text.indexOf(FENCE, i);
    return close < 0 ? null : text.slice(i, close);
  }
  return null;
}

/** Parses the JSON of a reply: the whole text, else its first fenced block, else its outermost {...} or [...]. */
export function parseJsonReply(text: string): JsonReply {
  const candidates = [text.trim()];
  const fenced = fencedJson(text);
  if (fenced !== null) candidates.push(fenced.trim());
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
