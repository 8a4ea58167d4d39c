import { writeControl } from './printable-output.js';

export interface ProgressWriter {
  isTTY?: boolean;
  write(chunk: string): unknown;
}

export interface Progress {
  /** Replaces the current status line (on a terminal; silent elsewhere). */
  update(message: string): void;
  /** Clears the status line. */
  done(): void;
}

/**
 * A one-line status on stderr for long operations. It draws only on a terminal,
 * so logs and CI output never fill with carriage returns.
 */
export function createProgress(stream: ProgressWriter): Progress {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let shown = false;
  return {
    update(message) {
      writeControl(stream, '\r\u001b[2K');
      stream.write(message);
      shown = true;
    },
    done() {
      if (shown) writeControl(stream, '\r\u001b[2K');
      shown = false;
    },
  };
}
