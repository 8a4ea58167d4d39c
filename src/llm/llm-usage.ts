/**
 * Token usage of an execution's core.llm tasks, summed from its history, as the model
 * server bills it: every completed attempt's `output.usage` (a fan-out counts each item),
 * and every failed attempt's `error.usage` (a reply that failed response_schema, one the
 * content filter withheld, a stream cut after its usage, a reply refused as too large, what
 * an attempt spent before its timeout stopped it) from its retry_attempted or task_failed event.
 */
import type { ExecutionEvent } from '../core/model.js';

export interface LlmUsageMetrics {
  /** Completed core.llm task runs (items of a fan-out each count). */
  tasks: number;
  /** Failed core.llm attempts that made requests; their tokens are in the totals. */
  failed_attempts: number;
  /** HTTP requests they made (schema re-asks, waited-out 429s and failed attempts included). */
  requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Models that answered, as the server named them. */
  models: string[];
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function add(usage: LlmUsageMetrics, counted: Record<string, unknown>, requests: unknown, model: unknown): void {
  usage.requests += num(requests);
  usage.prompt_tokens += num(counted.prompt_tokens);
  usage.completion_tokens += num(counted.completion_tokens);
  usage.total_tokens += num(counted.total_tokens);
  if (typeof model === 'string' && !usage.models.includes(model)) usage.models.push(model);
}

/** Sums the usage of the attempts of tasks whose action (per `actionOf`) is core.llm. */
export function llmUsageOf(events: readonly ExecutionEvent[], actionOf: (taskId: string) => string | undefined): LlmUsageMetrics {
  const usage: LlmUsageMetrics = { tasks: 0, failed_attempts: 0, requests: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, models: [] };
  for (const event of events) {
    if (event.task_id === undefined) continue;
    const type = event.event_type;
    if (type !== 'task_completed' && type !== 'task_failed' && type !== 'retry_attempted') continue;
    if (actionOf(event.task_id) !== 'core.llm') continue;
    if (type === 'task_completed') {
      const output = record(event.data.output);
      // A fan-out's closing event holds the items' outputs as a list; the items were counted.
      if (!('usage' in output)) continue;
      usage.tasks += 1;
      add(usage, record(output.usage), output.requests, output.model);
      continue;
    }
    // Each failed attempt is told once: by the retry it led to, or by the task's failure.
    const error = record(event.data.error);
    if (!('usage' in error)) continue;
    const spent = record(error.usage);
    usage.failed_attempts += 1;
    add(usage, spent, spent.requests, spent.model);
  }
  return usage;
}
