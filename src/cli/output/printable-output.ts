/**
 * What the CLI prints comes partly from others: names and descriptions from packs, task
 * output in logs and errors, messages from a server. A terminal acts on control characters
 * in it — an escape sequence sets the title, clears the screen, writes the clipboard (OSC 52)
 * or moves the cursor back over earlier lines; a carriage return or backspace overwrites
 * what was printed; a bidirectional override shows the text reordered. So every write of
 * the CLI goes through this filter, which prints each such character as a visible
 * `\uXXXX` escape. In JSON output the escape is the JSON escape of the same character, so
 * the value read back is unchanged. Task log lines are rendered by taskLogText (a task's
 * own colours shown on a colour terminal) and written as they come out of it.
 */
import type { OutputStream } from '../cli-context.js';
import { shouldUseColor } from './colors.js';

// The one exception: the colours src/cli/output/colors.ts emits (a data-borne one shows a
// colour, nothing more). A carriage return before a line feed ends a Windows line.
const CONTROL = /(\u001b\[(?:1|2|22|31|32|33|36|39)m|\r\n)|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const ANY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The text with every control character but tab, line feed, CRLF and the CLI's own colours written as `\uXXXX`. */
export function printable(text: string): string {
  if (!ANY_CONTROL.test(text)) return text;
  return text.replace(CONTROL, (found: string, kept: string | undefined) => kept ?? `\\u${found.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// A plain SGR sequence (colours and text attributes, nothing a terminal acts on beyond
// them), captured so that split() keeps it between the pieces around it.
const SGR_SPLIT = /(\u001b\[[0-9;]*m)/;

/**
 * A task's log line as the CLI prints it for people: the task's own colours — plain SGR
 * sequences, ESC [ digits and semicolons m, nothing else — shown where the CLI's colours
 * would be (a terminal, NO_COLOR unset: see shouldUseColor) and removed elsewhere, every
 * other control sequence (a title, the clipboard, cursor moves, clearing) escaped as
 * printable() does in all cases. A line that kept a colour ends with a reset, so it stops
 * with the line. The result is safe to write unfiltered (writeControl).
 */
export function taskLogText(text: string, terminal: { isTTY: boolean | (() => boolean); env: Readonly<Record<string, string | undefined>> }): string {
  if (!text.includes('\u001b')) return printable(text);
  // Each piece between colours escaped on its own: cutting one out never joins its
  // neighbours into a sequence the terminal would act on.
  const pieces = text.split(SGR_SPLIT);
  if (pieces.length === 1) return printable(text);
  const colour = shouldUseColor(terminal.isTTY, terminal.env);
  const shown = pieces.map((piece, index) => (index % 2 === 0 ? printable(piece) : colour ? piece : '')).join('');
  return colour ? `${shown}\u001b[0m` : shown;
}

/** A stream whose writes show control characters as escapes; `control()` writes the CLI's own cursor sequences as they are. */
export interface PrintableOutput extends OutputStream {
  control(sequence: string): unknown;
}

/** Wraps `stream` so that everything written to it is printable; `isTTY` is read through, when asked. */
export function printableOutput(stream: OutputStream): PrintableOutput {
  return {
    get isTTY() {
      return stream.isTTY;
    },
    get columns() {
      return stream.columns;
    },
    get rows() {
      return stream.rows;
    },
    write: (chunk: string) => stream.write(printable(chunk)),
    control: (sequence: string) => stream.write(sequence),
  };
}

/** Writes a cursor sequence: unfiltered on a printable stream, as a plain write on any other (a test's buffer). */
export function writeControl(stream: OutputStream, sequence: string): void {
  if (sequence === '') return;
  if ('control' in stream && typeof stream.control === 'function') (stream as PrintableOutput).control(sequence);
  else stream.write(sequence);
}
