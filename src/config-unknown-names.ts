/**
 * What to tell someone who wrote a setting name Harmonia does not read: the names of the
 * source documents' `.env.harmonia` and environment examples (`MAX_WORKFLOW_DEPTH`,
 * `ENABLE_AUTO_RETRY`, `HARMONIA_STATE_DIR`, ...) map to the setting that does the job, or are
 * said to have none; any other name gets the nearest known one.
 */
import { suggest } from './core/suggest.js';

/** Names from the source documents' examples, and what Harmonia has instead. */
const SEED_NAMES: Readonly<Record<string, string>> = {
  HARMONIA_STATE_DIR: "use 'HARMONIA_DATA_DIR'",
  MAX_TASK_DURATION: "use 'HARMONIA_DEFAULT_TIMEOUT' (seconds, or with a unit) or a task's timeout_ms",
  ENABLE_AUTO_RETRY: "there is no switch: a task retries per its retry policy; 'HARMONIA_RETRY_MAX_ATTEMPTS' is the default attempt count",
  ENABLE_CHECKPOINTS: "use 'HARMONIA_CHECKPOINT_INTERVAL' (seconds; 0 turns automatic checkpoints off)",
  ENABLE_PARALLEL_EXECUTION: "use 'HARMONIA_MAX_CONCURRENT_TASKS' (1 runs one task at a time)",
  HARMONIA_AI_PORT: 'there is no such setting: everything is served on HARMONIA_PORT',
};

/** A hint for an unknown setting name: the seed mapping, the `HARMONIA_` form, or the nearest name. */
export function unknownSettingHint(name: string, known: ReadonlySet<string>): string {
  const upper = name.toUpperCase();
  const seed = SEED_NAMES[upper];
  if (seed !== undefined) return seed;
  if (!upper.startsWith('HARMONIA_') && known.has(`HARMONIA_${upper}`)) return `did you mean 'HARMONIA_${upper}'? (every setting starts with HARMONIA_)`;
  const guess = suggest(upper, known);
  return guess ? `did you mean '${guess}'?` : 'run `harmonia config` or see docs/configuration.md for the settings';
}
