import { stripAnsi } from './colors.js';

export interface TableColumn {
  header: string;
  /** Numbers read best right-aligned. @default 'left' */
  align?: 'left' | 'right';
}

/**
 * Lays out rows as aligned columns separated by two spaces, headed by the column
 * names. Widths ignore colour codes, so coloured cells still line up.
 */
export function formatTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) =>
    Math.max(visibleWidth(column.header), ...rows.map((row) => visibleWidth(row[i] ?? ''))),
  );
  const render = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const pad = ' '.repeat((widths[i] ?? 0) - visibleWidth(cell));
        if (column.align === 'right') return pad + cell;
        // The last left-aligned column needs no trailing spaces.
        return i === columns.length - 1 ? cell : cell + pad;
      })
      .join('  ');
  const lines = [render(columns.map((c) => c.header.toUpperCase())), ...rows.map(render)];
  return lines.map((line) => line.trimEnd()).join('\n') + '\n';
}

function visibleWidth(text: string): number {
  // Code points, not UTF-16 units: an emoji or ✔ occupies one cell here.
  return [...stripAnsi(text)].length;
}
