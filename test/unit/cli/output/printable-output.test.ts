import { describe, expect, it } from 'vitest';
import { printable, printableOutput, taskLogText } from '../../../../src/cli/output/printable-output.js';
import { createColors } from '../../../../src/cli/output/colors.js';

describe('printable()', () => {
  it('writes the control characters a terminal acts on as visible escapes', () => {
    expect(printable('a\u001b]52;c;eA==\u0007b\u001b[2Jc\bd\re\u009bf\u202eg\u0000')).toBe(
      'a\\u001b]52;c;eA==\\u0007b\\u001b[2Jc\\u0008d\\u000de\\u009bf\\u202eg\\u0000',
    );
  });

  it('keeps tab, line feed, a Windows line end and the colours the CLI draws', () => {
    const c = createColors(true);
    const text = `${c.red('✖ failed')}\tx\r\n${c.dim(c.bold('y'))}\n`;
    expect(printable(text)).toBe(text);
  });

  it('escapes a colour the CLI never draws (conceal), so no text is hidden', () => {
    expect(printable('\u001b[8msecret\u001b[28m')).toBe('\\u001b[8msecret\\u001b[28m');
  });

  it('leaves JSON text meaning the same value', () => {
    const value = { name: 'a\u009b\u202eb' };
    expect(JSON.parse(printable(JSON.stringify(value)))).toEqual(value);
  });
});

describe('printableOutput()', () => {
  it('filters writes, passes control() through, and reads isTTY from the stream', () => {
    const chunks: string[] = [];
    const out = printableOutput({ isTTY: true, write: (s: string) => chunks.push(s) });
    out.control('\u001b[3F');
    out.write('x\u001b[3F');
    expect([out.isTTY, chunks]).toEqual([true, ['\u001b[3F', 'x\\u001b[3F']]);
  });
});

describe('taskLogText()', () => {
  const tty = { isTTY: true, env: {} };
  const RED = '\u001b[31mred\u001b[0m \u001b[1;38;5;208mbold orange\u001b[m';
  // What a task may print to act on the terminal: a title (OSC 0), the clipboard (OSC 52),
  // cursor moves, clearing, hiding the cursor; and the rest of C0 and C1.
  const ACTS = '\u001b]0;pwned\u0007\u001b]52;c;eA==\u0007\u001b[1A\u001b[2K\u001b[2J\u001b[?25l\u001bc\u009b31m\r\b';
  const ACTS_ESCAPED = '\\u001b]0;pwned\\u0007\\u001b]52;c;eA==\\u0007\\u001b[1A\\u001b[2K\\u001b[2J\\u001b[?25l\\u001bc\\u009b31m\\u000d\\u0008';

  it("keeps a task's plain SGR colours on a colour terminal, and resets after them so they stop with the line", () => {
    expect(taskLogText(RED, tty)).toBe(`${RED}\u001b[0m`);
  });

  it('removes them when stdout is not a terminal, when NO_COLOR is set, or on a dumb terminal', () => {
    for (const terminal of [{ isTTY: false, env: {} }, { isTTY: true, env: { NO_COLOR: '1' } }, { isTTY: true, env: { TERM: 'dumb' } }]) {
      expect(taskLogText(RED, terminal)).toBe('red bold orange');
    }
  });

  it('escapes every other control sequence in all cases', () => {
    for (const terminal of [tty, { isTTY: false, env: {} }]) {
      expect(taskLogText(`a${ACTS}b`, terminal)).toBe(`a${ACTS_ESCAPED}b`);
    }
    expect(taskLogText(`\u001b[31m${ACTS}`, tty)).toBe(`\u001b[31m${ACTS_ESCAPED}\u001b[0m`);
  });

  it('keeps nothing that is only an SGR once another is cut out of it', () => {
    // Removing the inner colour must not join its halves into a sequence the terminal acts on.
    expect(taskLogText('\u001b[\u001b[31m2J', { isTTY: false, env: {} })).toBe('\\u001b[2J');
    expect(taskLogText('\u001b[\u001b[31m2J', tty)).toBe('\\u001b[\u001b[31m2J\u001b[0m');
  });

  it('leaves a line without escapes as printable() would', () => {
    expect(taskLogText('plain\ttext', tty)).toBe('plain\ttext');
  });
});
