/**
 * A Server-Sent Events parser over a fetch response body, following the WHATWG
 * "event stream interpretation" rules: lines end in LF, CR or CRLF; a blank line
 * dispatches; `data:` lines join with LF; comments (`:`) are skipped; an `id:`
 * persists until changed. It exists because Node has fetch but no EventSource,
 * and EventSource cannot send an Authorization header anyway.
 */

/** One dispatched message. */
export interface SseMessage {
  /** The `event:` field; 'message' when the server sent none. */
  event: string;
  data: string;
  /** The last `id:` seen on the stream (ids persist across messages), or '' before any. */
  id: string;
  /** The latest `retry:` hint in milliseconds seen on the stream (it persists, like ids). */
  retry?: number;
}

/** Reads `body` to its end, yielding each message as it completes; a partial message at the end is dropped. */
export async function* parseSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parser = createSseLineParser();
  let buffer = '';
  let first = true;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      if (first && buffer.length > 0) {
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
        first = false;
      }
      let start = 0;
      for (let i = 0; i < buffer.length; i += 1) {
        const ch = buffer.charCodeAt(i);
        if (ch !== 10 && ch !== 13) continue;
        // A CR at the very end may be the first half of CRLF: wait for the next chunk.
        if (ch === 13 && i === buffer.length - 1) break;
        const message = parser.line(buffer.slice(start, i));
        if (ch === 13 && buffer.charCodeAt(i + 1) === 10) i += 1;
        start = i + 1;
        if (message) yield message;
      }
      buffer = buffer.slice(start);
    }
    // A trailing CR ends a line too; anything after the last newline is an unterminated line.
    if (buffer.endsWith('\r')) {
      const message = parser.line(buffer.slice(0, -1));
      if (message) yield message;
    }
  } finally {
    // Also runs when the consumer stops early: cancelling releases the connection.
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

/** The per-line state machine; exported for tests of the field rules. */
export function createSseLineParser(): { line(text: string): SseMessage | undefined } {
  let event = '';
  let data: string[] = [];
  let lastId = '';
  let retry: number | undefined;
  return {
    line(text) {
      if (text === '') {
        if (data.length === 0) {
          event = '';
          return undefined;
        }
        const message: SseMessage = { event: event || 'message', data: data.join('\n'), id: lastId };
        if (retry !== undefined) message.retry = retry;
        event = '';
        data = [];
        return message;
      }
      if (text.startsWith(':')) return undefined;
      const colon = text.indexOf(':');
      const field = colon === -1 ? text : text.slice(0, colon);
      let value = colon === -1 ? '' : text.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      switch (field) {
        case 'event':
          event = value;
          break;
        case 'data':
          data.push(value);
          break;
        case 'id':
          if (!value.includes('\u0000')) lastId = value;
          break;
        case 'retry':
          if (/^\d+$/.test(value)) retry = Number(value);
          break;
        default:
          break;
      }
      return undefined;
    },
  };
}
