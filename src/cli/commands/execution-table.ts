/**
 * The text of `execution list` and of the llm line of `execution metrics`: what a person
 * reads at a terminal (the --json forms are the API's answers, unchanged).
 */
import type { ExecutionMetricsView, ExecutionView } from '../../core/wire.js';
import { formatTable } from '../output/table.js';
import { formatAge, shortExecutionId } from '../output/execution-id.js';
import { formatDuration } from './remote-client.js';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line of what the model server billed: completed tasks, failed attempts, requests, tokens, models. */
export function describeLlmUsage(llm: ExecutionMetricsView['llm']): string {
  const failed = llm.failed_attempts > 0 ? `, ${plural(llm.failed_attempts, 'failed attempt')}` : '';
  const models = llm.models.length > 0 ? ` (${llm.models.join(', ')})` : '';
  return `${plural(llm.tasks, 'task')}${failed}, ${plural(llm.requests, 'request')}: ${llm.prompt_tokens} prompt + ${llm.completion_tokens} completion = ${llm.total_tokens} tokens${models}`;
}

/**
 * The execution list as `kubectl get` lays one out: short ids, ages and durations, the
 * workflow last so a narrow terminal cuts only it; `wide` adds full ids, times and parents.
 */
export function executionTable(items: readonly ExecutionView[], options: { wide: boolean; now: number; width: number | undefined }): string {
  const { wide, now } = options;
  // Unfinished executions have run for as long as they exist so far.
  const duration = (e: ExecutionView): string => formatDuration((e.finished_at === null ? now : Date.parse(e.finished_at)) - Date.parse(e.created_at));
  const columns = [
    { header: 'execution' },
    { header: 'status' },
    ...(wide ? [{ header: 'created' }, { header: 'finished' }] : []),
    { header: 'age' },
    { header: 'duration', align: 'right' as const },
    ...(wide ? [{ header: 'parent' }] : []),
    { header: 'workflow' },
  ];
  const rows = items.map((e) => [
    wide ? e.execution_id : shortExecutionId(e.execution_id),
    e.status,
    ...(wide ? [e.created_at, e.finished_at ?? '-'] : []),
    formatAge(e.created_at, now),
    duration(e),
    ...(wide ? [e.parent_execution_id ?? '-'] : []),
    wide ? `${e.workflow_ref}@${e.workflow_version}` : e.workflow_ref,
  ]);
  return formatTable(columns, rows, { width: wide ? undefined : options.width });
}
