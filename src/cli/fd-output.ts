import { builtin } from './builtin.js';
import type { OutputStream } from './cli-context.js';

/** Where the writes go once one fails: process.stdout or process.stderr. */
export interface ByteStream {
  isTTY?: boolean;
  write(chunk: string | Uint8Array): unknown;
}

/**
 * Standard output or error written with fs.writeSync(), so a run that only prints its
 * result never creates process.stdout or process.stderr: the first read of either builds
 * a stream (node:stream and its helpers, net and tty for a pipe or a terminal), about a
 * tenth of what `harmonia validate` costs above a bare `node` start. Writes to files,
 * pipes and terminals are synchronous on Linux and macOS either way.
 *
 * When a write fails (EAGAIN from a non-blocking pipe that is full, EPIPE from a closed
 * one, anything else) the rest of that chunk and every later write go to `fallback()`,
 * the process's own stream, in order: what a failed write does there (wait for the
 * reader, or the bin entry's EPIPE exit, or an 'error') is what it did before.
 */
export function fdOutput(fd: number, fallback: () => ByteStream): OutputStream {
  const fs = builtin('node:fs');
  let stream: ByteStream | undefined;
  let isTTY: boolean | undefined;
  return {
    // Colour needs it only when NO_COLOR and FORCE_COLOR leave it open. A terminal is a
    // character device: anything else (a pipe, a file) is answered without node:tty.
    get isTTY() {
      if (stream !== undefined) return stream.isTTY;
      if (isTTY === undefined) {
        try {
          isTTY = fs.fstatSync(fd).isCharacterDevice() && builtin('node:tty').isatty(fd);
        } catch {
          isTTY = fallback().isTTY === true;
        }
      }
      return isTTY;
    },
    write(chunk: string) {
      if (stream !== undefined) return stream.write(chunk);
      const bytes = Buffer.from(chunk, 'utf8');
      let offset = 0;
      try {
        while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
        return true;
      } catch {
        stream = fallback();
        return stream.write(offset === 0 ? chunk : bytes.subarray(offset));
      }
    },
  };
}
