import type { RetryPolicy, TaskDef, TaskError } from '../core/model.js';
import type { ResolvedEngineConfig } from './config.js';

/** A task's retry policy with the engine defaults filled in. */
export function resolveRetryPolicy(task: TaskDef, config: ResolvedEngineConfig): RetryPolicy {
  const retry = task.retry ?? {};
  const policy: RetryPolicy = {
    max_attempts: retry.max_attempts ?? config.retry_max_attempts,
    initial_delay_ms: retry.initial_delay_ms ?? config.retry_initial_delay_ms,
    backoff_factor: retry.backoff_factor ?? config.retry_backoff_factor,
    max_delay_ms: Math.max(retry.max_delay_ms ?? config.retry_max_delay_ms, retry.initial_delay_ms ?? 0),
    jitter: retry.jitter ?? config.retry_jitter,
  };
  if (retry.retriable_errors) policy.retriable_errors = retry.retriable_errors;
  return policy;
}

/**
 * Delay before attempt `failedAttempt + 1`: initial * factor^(n-1), capped, then
 * moved by up to ±jitter of itself. `random` is in [0, 1).
 */
export function retryDelay(policy: RetryPolicy, failedAttempt: number, random: number): number {
  const base = Math.min(
    policy.initial_delay_ms * Math.pow(policy.backoff_factor, Math.max(0, failedAttempt - 1)),
    policy.max_delay_ms,
  );
  const spread = base * Math.min(Math.max(policy.jitter, 0), 1);
  return Math.max(0, Math.round(base + (random * 2 - 1) * spread));
}

/**
 * Whether a failed attempt may run again. `tries` counts attempts made since the last
 * reset (execution retry or rerun), less those interrupted by the engine's own death.
 */
export function shouldRetry(policy: RetryPolicy, error: TaskError, tries: number): boolean {
  if (tries >= policy.max_attempts) return false;
  if (!error.retriable) return false;
  if (policy.retriable_errors && !policy.retriable_errors.includes(error.type)) return false;
  return true;
}
