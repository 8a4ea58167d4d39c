import { stripAnsi } from './colors.js';

export interface TableColumn {
  header: string;
  /** Numbers read best right-aligned. @default 'left' */
  align?: 'left' | 'right';
}

export interface TableOptions {
  /**
   * The terminal's width: a left-aligned last column (an error, a description) is cut to
   * fit it, with `…` where it was cut. @default unlimited (a pipe or a file gets every character)
   */
  width?: number | undefined;
}

/** What a last column keeps however narrow the terminal: less says nothing. */
const MIN_LAST_WIDTH = 20;

/**
 * Lays out rows as aligned columns separated by two spaces, headed by the column
 * names. Widths ignore colour codes, so coloured cells still line up. Every row stays on
 * one line: a cell's line breaks (a multi-line error message) are shown as `⏎`.
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const cells = rows.map((row) => columns.map((_, i) => oneLine(row[i] ?? '')));
  const widths = columns.map((column, i) => Math.max(visibleWidth(column.header), ...cells.map((row) => visibleWidth(row[i] ?? ''))));
  const last = columns.length - 1;
  if (options.width !== undefined && last >= 0 && columns[last]?.align !== 'right') {
    const before = widths.slice(0, last).reduce((sum, w) => sum + w + 2, 0);
    const room = Math.max(options.width - before, MIN_LAST_WIDTH);
    if ((widths[last] ?? 0) > room) {
      widths[last] = room;
      for (const row of cells) row[last] = cut(row[last] ?? '', room);
    }
  }
  const render = (line: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = line[i] ?? '';
        const pad = ' '.repeat((widths[i] ?? 0) - visibleWidth(cell));
        if (column.align === 'right') return pad + cell;
        // The last left-aligned column needs no trailing spaces.
        return i === last ? cell : cell + pad;
      })
      .join('  ');
  const lines = [render(columns.map((c) => c.header.toUpperCase())), ...cells.map(render)];
  return lines.map((line) => line.trimEnd()).join('\n') + '\n';
}

function oneLine(text: string): string {
  return text.includes('\n') || text.includes('\r') ? text.replace(/\r\n|\r|\n/g, '⏎') : text;
}

/** The cell in at most `width` terminal cells; a cut one loses its colours with its end. */
function cut(text: string, width: number): string {
  if (visibleWidth(text) <= width) return text;
  return [...stripAnsi(text)].slice(0, width - 1).join('') + '…';
}

function visibleWidth(text: string): number {
  // Code points, not UTF-16 units: an emoji or ✔ occupies one cell here.
  return [...stripAnsi(text)].length;
}
