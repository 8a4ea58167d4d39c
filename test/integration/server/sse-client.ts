/** A minimal SSE client over fetch streaming, as a browser's EventSource would read the stream. */
export interface SseMessage {
  id: string | undefined;
  event: string;
  data: string;
}

export interface SseReadOptions {
  headers?: Record<string, string>;
  /** Stop (and drop the connection) once a message matches. */
  until: (message: SseMessage) => boolean;
  /** Called once the response head arrived, before any message is read. */
  onOpen?: () => void;
  /** Return as soon as the response head arrived. */
  headOnly?: boolean;
}

export interface SseResult {
  status: number;
  messages: SseMessage[];
}

/** Opens `url`, collects messages until `until` matches, then aborts the connection. */
export async function readSse(url: string, options: SseReadOptions): Promise<SseResult> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...options.headers }, signal: controller.signal });
  const messages: SseMessage[] = [];
  if (options.headOnly === true) {
    controller.abort();
    return { status: response.status, messages };
  }
  if (response.status !== 200 || response.body === null) {
    await response.text();
    return { status: response.status, messages };
  }
  options.onOpen?.();
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return { status: response.status, messages };
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message = parseBlock(block);
        if (message) {
          messages.push(message);
          if (options.until(message)) return { status: response.status, messages };
        }
        end = buffer.indexOf('\n\n');
      }
    }
  } finally {
    controller.abort();
  }
}

/** Parses one SSE block; comments and retry-only blocks give null. */
export function parseBlock(block: string): SseMessage | null {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return null;
  return { id, event, data: data.join('\n') };
}
