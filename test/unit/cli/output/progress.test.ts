import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../../src/cli/output/progress.js';

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
    expect(s.chunks).toEqual(['\r\u001b[2Ksyncing packs…', '\r\u001b[2K']);
  });

  it('writes nothing when the stream is not a terminal', () => {
    const s = stream(false);
    const progress = createProgress(s);
    progress.update('syncing packs…');
    progress.done();
    expect(s.chunks).toEqual([]);
  });
});
