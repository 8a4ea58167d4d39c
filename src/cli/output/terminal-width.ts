import type { CliContext } from '../cli-context.js';

/**
 * The width tables are fitted to: the terminal's when stdout is one, else `COLUMNS` when
 * set (`COLUMNS=80 harmonia ... | less`), else none — a pipe or a file gets whole cells.
 */
export function terminalWidth(ctx: Pick<CliContext, 'stdout' | 'env'>): number | undefined {
  if (ctx.stdout.isTTY === true && typeof ctx.stdout.columns === 'number' && ctx.stdout.columns > 0) return ctx.stdout.columns;
  const given = ctx.env.COLUMNS;
  return given !== undefined && /^[1-9]\d{0,4}$/.test(given) ? Number(given) : undefined;
}
