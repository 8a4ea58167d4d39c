/**
 * `harmonia serve`'s own lines on stderr (the banner, sync reports, dev mode's diagnostics,
 * the shutdown notice) through the bounded writer its stdout log uses (server/log-output.ts).
 * Written straight to process.stderr, a pipe whose reader stopped took every line into
 * memory without bound, and the lines left waiting kept the process alive after SIGTERM for
 * as long as the pipe stayed full. Past the backlog, lines are dropped whole and counted; the
 * count is printed once the reader has caught up.
 */
import type { CliContext } from '../cli-context.js';
import { printable } from '../output/printable-output.js';
import { createLogOutput, type LogOutput } from '../../server/log-output.js';

export interface ServeStderr {
  /** Prints text (printable, as every CLI write), line by line, or drops lines the backlog has no room for. */
  print(text: string): void;
  /** The bounded writer; null when stderr is not the process's (a test's buffer: written as it comes). */
  readonly output: LogOutput | null;
}

/** Creates serve's stderr printer, holding at most `maxBufferBytes` for a stalled reader. */
export function createServeStderr(ctx: CliContext, maxBufferBytes: number): ServeStderr {
  const stream = ctx.process_stderr;
  if (stream === null) return { print: (text) => void ctx.stderr.write(text), output: null };
  const output: LogOutput = createLogOutput({
    stream,
    max_buffer_bytes: maxBufferBytes,
    onCaughtUp: (dropped) => output.write(`harmonia: ${dropped} lines dropped while stderr was blocked\n`),
  });
  return {
    print(text) {
      const shown = printable(text);
      // In one write when it fits (a reader sees the banner whole); else by line, so a report
      // longer than the room left loses its tail, not all of it.
      const waiting = output.pending();
      if (waiting === 0 || waiting + shown.length <= maxBufferBytes) return output.write(shown);
      let start = 0;
      while (start < shown.length) {
        const end = shown.indexOf('\n', start);
        const next = end === -1 ? shown.length : end + 1;
        output.write(shown.slice(start, next));
        start = next;
      }
    },
    output,
  };
}
