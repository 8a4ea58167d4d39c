/** `harmonia execution purge` and POST /executions/purge: retention on demand. */
import type { HarmoniaApi } from '../core/harmonia-api.js';
import { HarmoniaError } from '../core/errors.js';
import { FINISHED_STATUSES, type FinishedStatus } from '../core/model.js';
import type { PurgeExecutionsRequest } from '../core/wire.js';
import type { Store } from '../store/store.js';
import { parseDuration } from '../triggers/duration.js';
import { runPurge } from './purge-executions.js';

/** What a purge tells the engine: the executions it deleted, whose kept states go. */
export interface ExecutionForgetter {
  forget(ids: readonly string[]): void;
}

export type ExecutionPurgeUseCases = Pick<HarmoniaApi, 'purgeExecutions'>;

function statusesOf(request: PurgeExecutionsRequest): FinishedStatus[] {
  const given = request.status ?? [...FINISHED_STATUSES];
  if (!Array.isArray(given) || given.length === 0) throw new HarmoniaError('REQUEST_INVALID', 'status must list at least one of completed, failed, canceled');
  for (const status of given) {
    if (!(FINISHED_STATUSES as readonly string[]).includes(status)) {
      throw new HarmoniaError('REQUEST_INVALID', `status '${String(status)}' cannot be purged; use completed, failed or canceled (an unfinished execution is never deleted)`);
    }
  }
  return [...new Set(given)];
}

/** Creates the purge use-case; `now` is the clock that `older_than` counts back from. */
export function createExecutionPurgeUseCases(store: Store, engine: ExecutionForgetter, now: () => number = Date.now): ExecutionPurgeUseCases {
  return {
    async purgeExecutions(request) {
      const ageMs = parseDuration(request.older_than);
      if (ageMs === null) {
        throw new HarmoniaError('REQUEST_INVALID', `older_than '${String(request.older_than)}' is not a duration; use seconds or a unit, as in 30d, 12h, 90m`);
      }
      const statuses = statusesOf(request);
      const finishedBefore = new Date(now() - ageMs).toISOString();
      const dryRun = request.dry_run === true;
      const totals = await runPurge(store, { finished_before: finishedBefore, statuses, dry_run: dryRun, on_deleted: (ids) => engine.forget(ids) });
      return {
        dry_run: dryRun,
        finished_before: finishedBefore,
        executions: totals.executions,
        sub_workflows: totals.sub_workflows,
        events: totals.events,
        kept_unfinished: totals.kept_unfinished,
        items: totals.items,
        truncated: totals.truncated,
      };
    },
  };
}
