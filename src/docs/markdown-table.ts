/** A Markdown table; `|` inside cells is escaped so a cell never splits. */
export function markdownTable(head: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The note every generated page starts with. */
export function generatedNote(source: string): string {
  return (
    `<!-- Generated from ${source} by \`npm run build && node scripts/gen-docs.mjs\`; do not edit by hand. ` +
    'test/unit/docs/generated-pages.test.ts fails when this page and the code differ. -->'
  );
}
