import { randomBytes } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32, combineAdler32, createDeflateBody, deflateChunk } from '../../../src/server/sse-deflate.js';

/** The Adler-32 zlib writes in the trailer of `bytes` compressed. */
const zlibAdler = (bytes: Buffer): number => deflateSync(bytes).readUInt32BE(deflateSync(bytes).length - 4);

describe('adler32()', () => {
  it('matches the checksum zlib writes, for inputs longer than one reduction step', () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('retry: 2000\n\n'), randomBytes(20_000), Buffer.alloc(70_000, 0xff)]) {
      expect(adler32(bytes)).toBe(zlibAdler(bytes));
    }
  });
});

describe('combineAdler32()', () => {
  it('gives the checksum of two inputs one after the other from theirs', () => {
    const first = randomBytes(1_000);
    for (const second of [Buffer.alloc(0), randomBytes(7), Buffer.alloc(200_000, 0xff)]) {
      expect(combineAdler32(adler32(first), adler32(second), second.length)).toBe(adler32(Buffer.concat([first, second])));
    }
  });
});

describe('createDeflateBody()', () => {
  it('joins chunks compressed on their own into one zlib stream whose trailer checks', () => {
    const texts = ['retry: 2000\n\n', 'id: 1\ndata: {"a":1}\n\n'.repeat(50), ': keep-alive\n\n', 'event: close\ndata: {}\n\n'];
    const shared = deflateChunk(texts[1] as string);
    const body = createDeflateBody();
    const bytes = Buffer.concat([body.start(deflateChunk(texts[0] as string)), body.take([shared, deflateChunk(texts[2] as string)]), body.end(deflateChunk(texts[3] as string))]);
    expect(inflateSync(bytes).toString()).toBe(texts.join(''));
  });

  it('lets one shared chunk continue two streams at different points', () => {
    const shared = deflateChunk('id: 9\ndata: {}\n\n');
    const a = createDeflateBody();
    const b = createDeflateBody();
    const one = Buffer.concat([a.start(deflateChunk('retry: 2000\n\n')), a.end(shared)]);
    const two = Buffer.concat([b.start(deflateChunk('retry: 2000\n\n')), b.take([deflateChunk('id: 8\ndata: {}\n\n')]), b.end(shared)]);
    expect(inflateSync(one).toString()).toBe('retry: 2000\n\nid: 9\ndata: {}\n\n');
    expect(inflateSync(two).toString()).toBe('retry: 2000\n\nid: 8\ndata: {}\n\nid: 9\ndata: {}\n\n');
  });
});
