/**
 * `--limit` and `--offset` of the list commands: the API's `limit` and `offset` query
 * parameters, passed through unchecked so the use-case refuses a bad value the same way
 * whether the command runs locally or against a server.
 */
import { InvalidArgumentError, type Command } from 'commander';
import type { PageOptions } from '../../core/harmonia-api.js';
import type { Paginated } from '../../core/wire.js';
import { parsePositiveInt } from './parse-flags.js';

export interface PageFlags {
  limit?: number;
  offset?: number;
}

function parseWholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a whole number of 0 or more, got '${value}'`);
  return Number(value);
}

/** Adds `--limit <n>` (default `defaultLimit`, else the API's 50) and `--offset <n>`. */
export function withPageFlags(command: Command, defaultLimit?: number): Command {
  const limitHelp = `items per page, 1..1000 (default ${defaultLimit ?? 50})`;
  return (defaultLimit === undefined ? command.option('--limit <n>', limitHelp, parsePositiveInt) : command.option('--limit <n>', limitHelp, parsePositiveInt, defaultLimit)).option(
    '--offset <n>',
    'items to skip (default 0)',
    parseWholeNumber,
  );
}

/** The page the flags ask for, as the use-case takes it. */
export function pageOptions(flags: PageFlags): PageOptions {
  return { ...(flags.limit !== undefined ? { limit: flags.limit } : {}), ...(flags.offset !== undefined ? { offset: flags.offset } : {}) };
}

/** The stderr note under a table that shows part of a listing; null when it shows all of it. */
export function partialPageNote(page: Paginated<unknown>): string | null {
  if (page.offset === 0 && page.items.length >= page.total) return null;
  const range = page.items.length === 0 ? 'none' : `${page.offset + 1}-${page.offset + page.items.length}`;
  return `(${range} of ${page.total}; use --limit and --offset)\n`;
}
