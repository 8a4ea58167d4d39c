/**
 * Cuts a byte stream into lines for the task log: split on `\n` (a trailing `\r` dropped),
 * decoded as UTF-8 with invalid bytes replaced, a line longer than `max_line_bytes` cut into
 * pieces (between characters, never inside one), and whatever is left at the end flushed as
 * a last (partial) line.
 *
 * Lines are held whole up to `max_line_bytes` (1 MiB, the default log limit of an attempt)
 * so that the secret masker sees a long line in one piece: the task log cuts it into
 * display pieces only once it is masked (engine/task-log.ts). Cut here, a secret that
 * straddled the cut would be two harmless-looking halves to the masker.
 */
export interface LineSplitter {
  push(chunk: Buffer): void;
  /** Emits the unterminated rest, if any. */
  end(): void;
}

const DECODER = new TextDecoder('utf-8', { fatal: false });

/** The longest line held whole before it is cut: the default `max_log_bytes_per_attempt`. */
export const MAX_HELD_LINE_BYTES = 1024 * 1024;

/** True for a byte inside a UTF-8 sequence (10xxxxxx), where a cut would split a character. */
export const isUtf8Continuation = (byte: number | undefined): boolean => byte !== undefined && (byte & 0xc0) === 0x80;

/** Creates a splitter calling `emit` for each line, in order. */
export function createLineSplitter(emit: (line: string) => void, max_line_bytes = MAX_HELD_LINE_BYTES): LineSplitter {
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
      let room = max_line_bytes - pendingBytes;
      // Back off to the start of the character the cut would split (at most 3 bytes).
      let back = room;
      while (back > 0 && room - back < 3 && isUtf8Continuation(rest[back])) back -= 1;
      if (!isUtf8Continuation(rest[back]) && (back > 0 || pendingBytes > 0)) room = back;
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
