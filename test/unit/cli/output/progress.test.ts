import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../../src/cli/output/progress.js';
import { printableOutput } from '../../../../src/cli/output/printable-output.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { isTTY, write: (s: string) => chunks.push(s), chunks };
}

describe('createProgress()', () => {
  it('redraws one status line on a terminal and clears it when done', () => {
    const s = stream(true);
    const progress = createProgress(s);
    progress.update('syncing packs…');
    progress.done();
    expect(s.chunks.join('')).toBe('\r\u001b[2Ksyncing packs…\r\u001b[2K');
  });

  it('draws its own line control on the CLI\'s printable stream, and shows the message\'s as escapes', () => {
    const s = stream(true);
    const progress = createProgress(printableOutput(s));
    progress.update('syncing \u001b[2Jpack\rs');
    expect(s.chunks.join('')).toBe('\r\u001b[2Ksyncing \\u001b[2Jpack\\u000ds');
  });

  it('writes nothing when the stream is not a terminal', () => {
    const s = stream(false);
    const progress = createProgress(s);
    progress.update('syncing packs…');
    progress.done();
    expect(s.chunks).toEqual([]);
  });
});
