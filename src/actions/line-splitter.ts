/**
 * Cuts a byte stream into lines for the task log: split on `\n` (a trailing `\r` dropped),
 * decoded as UTF-8 with invalid bytes replaced, a line longer than `max_line_bytes` cut into
 * pieces, and whatever is left at the end flushed as a last (partial) line.
 */
export interface LineSplitter {
  push(chunk: Buffer): void;
  /** Emits the unterminated rest, if any. */
  end(): void;
}

const DECODER = new TextDecoder('utf-8', { fatal: false });

/** Creates a splitter calling `emit` for each line, in order. */
export function createLineSplitter(emit: (line: string) => void, max_line_bytes = 16 * 1024): LineSplitter {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = (): void => {
    const bytes = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    emit(DECODER.decode(bytes.subarray(0, end)));
  };
  const take = (piece: Buffer): void => {
    let rest = piece;
    while (pendingBytes + rest.length > max_line_bytes) {
      const room = max_line_bytes - pendingBytes;
      pending.push(rest.subarray(0, room));
      pendingBytes += room;
      flush();
      rest = rest.subarray(room);
    }
    if (rest.length > 0) {
      pending.push(rest);
      pendingBytes += rest.length;
    }
  };
  return {
    push(chunk) {
      let start = 0;
      for (;;) {
        const newline = chunk.indexOf(0x0a, start);
        if (newline < 0) break;
        take(chunk.subarray(start, newline));
        flush();
        start = newline + 1;
      }
      if (start < chunk.length) take(chunk.subarray(start));
    },
    end() {
      if (pendingBytes > 0) flush();
    },
  };
}
