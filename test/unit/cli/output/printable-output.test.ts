import { describe, expect, it } from 'vitest';
import { printable, printableOutput } from '../../../../src/cli/output/printable-output.js';
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
