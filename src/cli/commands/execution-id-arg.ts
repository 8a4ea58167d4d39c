/**
 * Short execution ids (what `execution list` prints: the end of the id) for every command
 * that takes one. A preAction hook swaps the argument for the full id before the command
 * runs, through the same HarmoniaApi as the command (this process or --url), so a short id
 * works, or fails, alike in both.
 */
import type { Command } from 'commander';
import { HarmoniaError } from '../../core/errors.js';
import type { HarmoniaApi } from '../../core/harmonia-api.js';
import type { CliContext } from '../cli-context.js';
import { openHarmonia, type OpenedHarmonia } from '../open-harmonia.js';
import { isFullExecutionId } from '../output/execution-id.js';
import { failureOf, reportFailure } from '../output/report-failure.js';
import { FailureReported } from '../output/failure-reported.js';
import type { RemoteFlags } from './remote-client.js';

/** Shorter text is not looked up: it would match too much to be meant as an id. */
const MIN_SHORT = 4;
/** The list's text filter also matches workflow refs: read enough to see the ids among them. */
const CANDIDATES = 100;

/**
 * The one execution whose id is `given`, ends with it or starts with it; `given` itself when
 * none does (the command then says the id is unknown).
 * Thrown when several do: EXEC_ID_AMBIGUOUS, with their ids.
 */
export async function resolveExecutionId(api: HarmoniaApi, given: string): Promise<string> {
  if (isFullExecutionId(given) || given.length < MIN_SHORT) return given;
  const page = await api.listExecutions({ text: given, limit: CANDIDATES });
  const ids = page.items.map((e) => e.execution_id);
  if (ids.includes(given)) return given;
  const matches = ids.filter((id) => id.endsWith(given) || id.startsWith(given)).sort();
  if (matches.length === 1) return matches[0] ?? given;
  if (matches.length === 0) return given;
  const shown = matches.slice(0, 5).join(', ') + (matches.length > 5 ? ', …' : '');
  throw new HarmoniaError('EXEC_ID_AMBIGUOUS', `execution id '${given}' matches ${matches.length} executions: ${shown}; give more of it`, {
    details: { execution_id: given, matches },
  });
}

/**
 * Makes the command's argument at `index` (an execution id) accept a short id, and the
 * options named in `options` (their attribute names, e.g. `execution` for `--execution <id>`).
 */
export function acceptShortExecutionId(command: Command, ctx: CliContext, index = 0, options: readonly string[] = []): Command {
  return command.hook('preAction', shortExecutionIdHook(ctx, index, options));
}

const isShort = (given: unknown): given is string => typeof given === 'string' && !isFullExecutionId(given) && given.length >= MIN_SHORT;

/**
 * The preAction hook that swaps a short execution id at argument `index`, and in each of the
 * `options` that takes one, for the full one.
 */
export function shortExecutionIdHook(ctx: CliContext, index = 0, options: readonly string[] = []): (hooked: Command, action: Command) => Promise<void> {
  return async (_hooked, action) => {
    const given = action.processedArgs[index] as unknown;
    const flags = action.opts<RemoteFlags & Record<string, unknown>>();
    const named = options.filter((name) => isShort(flags[name]));
    if (!isShort(given) && named.length === 0) return;
    let opened: OpenedHarmonia | undefined;
    try {
      opened = await openHarmonia(ctx, flags, 'read');
      if (isShort(given)) action.processedArgs[index] = await resolveExecutionId(opened.api, given);
      for (const name of named) action.setOptionValue(name, await resolveExecutionId(opened.api, flags[name] as string));
    } catch (error) {
      const failure = failureOf(error);
      if (failure === null) throw error;
      ctx.exitCode = reportFailure(ctx, opened ? opened.mask(failure) : failure, flags.json === true);
      throw new FailureReported(ctx.exitCode);
    } finally {
      await opened?.close();
    }
  };
}
