/**
 * Token usage of an execution's core.llm tasks, summed from its history: every
 * completed attempt's `output.usage` (a fan-out counts each item). Attempts that failed
 * report no usage, since a failed task result carries no output.
 */
import type { ExecutionEvent } from '../core/model.js';

export interface LlmUsageMetrics {
  /** Completed core.llm task runs (items of a fan-out each count). */
  tasks: number;
  /** HTTP requests they made (schema re-asks and waited-out 429s included). */
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

/** Sums the usage of completed tasks whose action (per `actionOf`) is core.llm. */
export function llmUsageOf(events: readonly ExecutionEvent[], actionOf: (taskId: string) => string | undefined): LlmUsageMetrics {
  const usage: LlmUsageMetrics = { tasks: 0, requests: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, models: [] };
  for (const event of events) {
    if (event.event_type !== 'task_completed' || event.task_id === undefined) continue;
    if (actionOf(event.task_id) !== 'core.llm') continue;
    const output = record(event.data.output);
    // A fan-out's closing event holds the items' outputs as a list; the items were counted.
    if (!('usage' in output)) continue;
    const counted = record(output.usage);
    usage.tasks += 1;
    usage.requests += num(output.requests);
    usage.prompt_tokens += num(counted.prompt_tokens);
    usage.completion_tokens += num(counted.completion_tokens);
    usage.total_tokens += num(counted.total_tokens);
    if (typeof output.model === 'string' && !usage.models.includes(output.model)) usage.models.push(output.model);
  }
  return usage;
}
