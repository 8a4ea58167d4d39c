/**
 * Cuts a byte stream into lines for the task log: split on `\n`, `\r\n` and a lone `\r` (a
 * progress bar's redraw is a line of its own, shown as it is drawn rather than held until a
 * newline that may never come: GitHub Actions shows them so),
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
    emit(DECODER.decode(bytes));
  };
  // The last chunk ended in \r: a \n starting the next one ends no second line.
  let afterCr = false;
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
      if (chunk.length === 0) return;
      let start = afterCr && chunk[0] === 0x0a ? 1 : 0;
      afterCr = false;
      let lf = chunk.indexOf(0x0a, start);
      let cr = chunk.indexOf(0x0d, start);
      while (lf >= 0 || cr >= 0) {
        const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
        take(chunk.subarray(start, end));
        flush();
        start = end + 1;
        if (end === cr) {
          if (start === chunk.length) afterCr = true;
          else if (chunk[start] === 0x0a) start += 1;
        }
        if (lf >= 0 && lf < start) lf = chunk.indexOf(0x0a, start);
        if (cr >= 0 && cr < start) cr = chunk.indexOf(0x0d, start);
      }
      if (start < chunk.length) take(chunk.subarray(start));
    },
    end() {
      if (pendingBytes > 0) flush();
    },
  };
}
