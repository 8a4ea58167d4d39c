import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../../src/actions/line-splitter.js';
import { piecesOf } from '../../../src/engine/task-log.js';

describe('line splitter and log pieces', () => {
  it('holds a long line whole across chunks, so the masker sees it in one piece', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    const long = 'x'.repeat(40_000);
    splitter.push(Buffer.from(long.slice(0, 16_380)));
    splitter.push(Buffer.from(`${long.slice(16_380)}\nnext`));
    splitter.end();
    expect(lines).toEqual([long, 'next']);
  });

  it('cuts a line past its limit between characters, never inside one', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line), 10);
    splitter.push(Buffer.from(`${'€'.repeat(7)}\n`)); // 21 bytes: the 10th byte is inside the 4th €
    expect(lines).toEqual(['€€€', '€€€', '€']);
  });

  it('ends a line at a lone \\r too (a progress bar shows each redraw as it happens), and at \\r\\n once, even split across chunks', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    splitter.push(Buffer.from('10%\r20%\r'));
    // Shown live: the redraws so far are lines before any newline comes.
    expect(lines).toEqual(['10%', '20%']);
    splitter.push(Buffer.from('done\r'));
    splitter.push(Buffer.from('\nnext\r\n\r\nlast'));
    splitter.end();
    expect(lines).toEqual(['10%', '20%', 'done', 'next', '', 'last']);
  });

  it('cuts a stored line into pieces of at most the limit in bytes, between characters', () => {
    expect(piecesOf('short', 4)).toEqual(['shor', 't']);
    expect(piecesOf('a€€b', 4)).toEqual(['a€', '€b']);
    expect(piecesOf('😀😀', 5)).toEqual(['😀', '😀']);
    expect(piecesOf('ok', 16)).toEqual(['ok']);
  });
});
