import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogOutput } from '../../../src/server/log-output.js';

/** A stream whose reader takes chunks only when told to: a pipe with a stalled reader. */
function stalledStream() {
  const taken: string[] = [];
  const held: Array<() => void> = [];
  let fail: Error | null = null;
  const stream = new Writable({
    decodeStrings: false,
    highWaterMark: 16,
    write(chunk: string, _encoding, callback) {
      if (fail) return callback(fail);
      held.push(() => {
        taken.push(chunk);
        callback();
      });
    },
  });
  return {
    stream,
    taken,
    /** The reader takes everything held, and what arrives meanwhile. */
    async catchUp(): Promise<void> {
      do {
        held.shift()?.();
        await new Promise((resolve) => setImmediate(resolve));
      } while (held.length > 0);
    },
    /** The reader goes away: the next write fails with EPIPE. */
    breakPipe(): void {
      fail = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      held.shift()?.();
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createLogOutput()', () => {
  it('writes every line, in order, when the reader keeps up', async () => {
    const s = stalledStream();
    const output = createLogOutput({ stream: s.stream, max_buffer_bytes: 10 });
    for (let i = 0; i < 5; i++) {
      output.write(`line ${i}\n`);
      await s.catchUp();
    }
    expect(s.taken.join('')).toBe('line 0\nline 1\nline 2\nline 3\nline 4\n');
    expect(output.dropped()).toBe(0);
  });

  it('drops whole lines past the buffer while the reader is behind, and says how many once it catches up', async () => {
    const s = stalledStream();
    const reports: number[] = [];
    const output = createLogOutput({ stream: s.stream, max_buffer_bytes: 12, onCaughtUp: (n) => reports.push(n) });
    output.write('aaaaa\n');
    output.write('bbbbb\n');
    output.write('ccccc\n');
    output.write('ddddd\n');
    expect(output.dropped()).toBe(2);
    expect(output.pending()).toBe(12);
    expect(reports).toEqual([]);
    await s.catchUp();
    expect(s.taken.join('')).toBe('aaaaa\nbbbbb\n');
    expect(reports).toEqual([2]);
    expect(output.pending()).toBe(0);
  });

  it('writes a line longer than the buffer when nothing waits', async () => {
    const s = stalledStream();
    const output = createLogOutput({ stream: s.stream, max_buffer_bytes: 4 });
    output.write('a longer line\n');
    await s.catchUp();
    expect(s.taken).toEqual(['a longer line\n']);
    expect(output.dropped()).toBe(0);
  });

  it('waits for the reader to drain, up to a bound', async () => {
    vi.useFakeTimers();
    const s = stalledStream();
    const output = createLogOutput({ stream: s.stream, max_buffer_bytes: 100 });
    expect(await output.waitForDrain(50)).toBe(true);
    output.write('held\n');
    const timedOut = output.waitForDrain(50);
    await vi.advanceTimersByTimeAsync(50);
    expect(await timedOut).toBe(false);
    const drained = output.waitForDrain(50);
    vi.useRealTimers();
    await s.catchUp();
    expect(await drained).toBe(true);
  });

  it('gives a stream one error listener however many outputs write to it', () => {
    const s = stalledStream();
    for (let i = 0; i < 20; i++) createLogOutput({ stream: s.stream, max_buffer_bytes: 100 });
    expect(s.stream.listenerCount('error')).toBe(1);
  });

  it('stops writing once the reader has gone, counting what it drops', async () => {
    const s = stalledStream();
    const output = createLogOutput({ stream: s.stream, max_buffer_bytes: 100 });
    output.write('one\n');
    output.write('two\n');
    s.breakPipe();
    await s.catchUp();
    output.write('three\n');
    expect(s.taken).toEqual(['one\n']);
    expect(output.dropped()).toBe(1);
    expect(output.pending()).toBe(0);
    expect(await output.waitForDrain(1_000_000)).toBe(true);
  });
});
