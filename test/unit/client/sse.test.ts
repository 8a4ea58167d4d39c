import { describe, expect, it } from 'vitest';
import { createSseLineParser, parseSse, type SseMessage } from '../../../src/client/sse.js';

function streamOf(chunks: readonly string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: readonly string[]): Promise<SseMessage[]> {
  const out: SseMessage[] = [];
  for await (const message of parseSse(streamOf(chunks))) out.push(message);
  return out;
}

describe('parseSse()', () => {
  it('yields named events with their id and data', async () => {
    const messages = await collect(['id: 1\nevent: task_started\ndata: {"seq":1}\n\n']);
    expect(messages).toEqual([{ event: 'task_started', data: '{"seq":1}', id: '1' }]);
  });

  it('reassembles a message split across chunks, even inside a CRLF', async () => {
    const messages = await collect(['id: 7\r', '\nevent: a\r\nda', 'ta: x\r\n\r', '\n']);
    expect(messages).toEqual([{ event: 'a', data: 'x', id: '7' }]);
  });

  it('joins several data lines with a line feed', async () => {
    const messages = await collect(['data: one\ndata: two\n\n']);
    expect(messages).toEqual([{ event: 'message', data: 'one\ntwo', id: '' }]);
  });

  it('skips comments and keep-alives', async () => {
    const messages = await collect([': keep-alive\n\n', 'data: x\n\n']);
    expect(messages.map((m) => m.data)).toEqual(['x']);
  });

  it('keeps the last id and retry hint for later messages', async () => {
    const messages = await collect(['retry: 2000\n\n', 'id: 3\ndata: a\n\n', 'data: b\n\n']);
    expect(messages).toEqual([
      { event: 'message', data: 'a', id: '3', retry: 2000 },
      { event: 'message', data: 'b', id: '3', retry: 2000 },
    ]);
  });

  it('drops a message the stream ended before dispatching', async () => {
    const messages = await collect(['data: complete\n\n', 'data: cut off']);
    expect(messages.map((m) => m.data)).toEqual(['complete']);
  });

  it('strips a leading byte order mark', async () => {
    const messages = await collect(['\uFEFFdata: x\n\n']);
    expect(messages.map((m) => m.data)).toEqual(['x']);
  });
});

describe('createSseLineParser()', () => {
  it('takes a field with no colon as a field with an empty value', () => {
    const parser = createSseLineParser();
    parser.line('data');
    expect(parser.line('')).toEqual({ event: 'message', data: '', id: '' });
  });

  it('ignores a retry hint that is not a number', () => {
    const parser = createSseLineParser();
    parser.line('retry: soon');
    parser.line('data: x');
    expect(parser.line('')).toEqual({ event: 'message', data: 'x', id: '' });
  });
});
