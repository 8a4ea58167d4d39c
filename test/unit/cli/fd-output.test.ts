import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fdOutput, type ByteStream } from '../../../src/cli/fd-output.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-fd-output-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function recorder() {
  const chunks: (string | Uint8Array)[] = [];
  let calls = 0;
  const stream: ByteStream = { isTTY: false, write: (chunk) => chunks.push(chunk) };
  return {
    chunks,
    get calls() {
      return calls;
    },
    fallback: () => {
      calls++;
      return stream;
    },
  };
}

describe('fdOutput()', () => {
  it('writes every chunk to the descriptor at once, in UTF-8, without its stream', () => {
    const file = join(dir, 'out.txt');
    const fd = openSync(file, 'w');
    const rec = recorder();
    try {
      const out = fdOutput(fd, rec.fallback);
      out.write('a\n');
      expect(readFileSync(file, 'utf8')).toBe('a\n');
      out.write('é ✔\n');
      expect(out.isTTY).toBe(false);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe('a\né ✔\n');
    expect(rec.calls).toBe(0);
  });

  it('answers that a character device other than a terminal is not one', () => {
    const fd = openSync('/dev/null', 'w');
    try {
      expect(fdOutput(fd, recorder().fallback).isTTY).toBe(false);
    } finally {
      closeSync(fd);
    }
  });

  it('hands the failed chunk and every later one to the fallback stream, in order', () => {
    const fd = openSync(join(dir, 'closed.txt'), 'w');
    closeSync(fd); // writes now fail with EBADF
    const rec = recorder();
    const out = fdOutput(fd, rec.fallback);
    out.write('first\n');
    out.write('second\n');
    expect(rec.chunks).toEqual(['first\n', 'second\n']);
    expect(rec.calls).toBe(1);
    expect(out.isTTY).toBe(false);
  });
});
