/**
 * The explanation behind `harmonia explain` and POST /api/v1/executions/{id}/explain:
 * the facts of an execution (statuses, errors, retries, the end of its history) are
 * gathered, then the model is asked why it failed and what to do.
 *
 * Only statuses and error messages are sent, never task inputs or outputs: those may hold
 * data the operator did not mean to send to a model server. Logs join the facts when
 * tasks have logs (the `logs` field of ExecutionFacts is the seam).
 */
import { errorOfEvent } from '../core/events.js';
import type { ExecutionEvent, ExecutionRecord, TaskError } from '../core/model.js';
import { redactUrls } from '../core/secret-text.js';
import type { ExecutionStatusReport } from '../engine/summary.js';
import type { ChatClient } from './chat-client.js';
import type { ChatUsage } from './chat-types.js';

/** The reads explain needs (the engine provides them). */
export interface ExecutionReader {
  getExecution(id: string): Promise<ExecutionRecord>;
  getStatus(id: string): Promise<ExecutionStatusReport>;
  readEvents(id: string, afterSeq?: number, limit?: number): Promise<ExecutionEvent[]>;
}

export interface TaskFact {
  task_id: string;
  status: string;
  attempts: number;
  error: TaskError | null;
  skip_reason?: string;
  handled_by?: string;
}

/** What the model is told about an execution. */
export interface ExecutionFacts {
  execution_id: string;
  workflow_ref: string;
  status: string;
  error: TaskError | null;
  started_at: string | null;
  finished_at: string | null;
  tasks: TaskFact[];
  /** Failures and retries in order: `seq type task: error`. */
  failures: string[];
  /** The last events, one line each. */
  recent_events: string[];
  /** How many tasks `tasks` leaves out, by status: past MAX_TASK_FACTS, completed tasks are left out first. */
  tasks_omitted?: Record<string, number>;
  /** Task log lines, when tasks have logs (not yet). */
  logs?: string[];
}

export interface Explanation {
  execution_id: string;
  status: string;
  explanation: string;
  facts: ExecutionFacts;
  model: string;
  usage: ChatUsage;
}

const RECENT = 40;
// Keeps the prompt bounded however long a history or a message is.
const MAX_FAILURES = 60;
const MAX_MESSAGE = 600;
// A workflow may have thousands of tasks (no limit): the model is told about this many, the
// ones that did not complete first, and counted the rest.
export const MAX_TASK_FACTS = 100;

function clip(text: string): string {
  const safe = redactUrls(text);
  return safe.length > MAX_MESSAGE ? `${safe.slice(0, MAX_MESSAGE)}…` : safe;
}

function clipped(error: TaskError | null): TaskError | null {
  return error === null ? null : { type: error.type, message: clip(String(error.message)), retriable: error.retriable === true, attempt: Number(error.attempt) };
}

function eventLine(event: ExecutionEvent): string {
  const error = errorOfEvent(event);
  return `#${event.seq} ${event.event_type}${event.task_id ? ` ${event.task_id}` : ''}${error ? `: ${error.type}: ${clip(String(error.message))}` : ''}`;
}

/** Reads the facts of one execution. Thrown when it does not exist: EXEC_NOT_FOUND. */
export async function gatherExecutionFacts(reader: ExecutionReader, id: string): Promise<ExecutionFacts> {
  const record = await reader.getExecution(id);
  const status = await reader.getStatus(id);
  const failures: string[] = [];
  const recent: ExecutionEvent[] = [];
  // Read in pages so a long history is never held whole.
  for (let after = 0; ; ) {
    const page = await reader.readEvents(id, after, 1000);
    for (const event of page) {
      if (['task_failed', 'retry_attempted', 'workflow_failed'].includes(event.event_type) && failures.length < MAX_FAILURES) {
        failures.push(eventLine(event));
      }
      recent.push(event);
      if (recent.length > RECENT) recent.shift();
    }
    const last = page.at(-1);
    if (page.length < 1000 || last === undefined) break;
    after = last.seq;
  }
  const entries = Object.entries(status.task_statuses);
  const notCompleted = entries.filter(([, task]) => task.status !== 'completed').length;
  let completedRoom = Math.max(0, MAX_TASK_FACTS - notCompleted);
  let otherRoom = MAX_TASK_FACTS;
  const omitted: Record<string, number> = {};
  const tasks: TaskFact[] = [];
  for (const [task_id, task] of entries) {
    const room = task.status === 'completed' ? completedRoom-- > 0 : otherRoom-- > 0;
    if (!room) {
      omitted[task.status] = (omitted[task.status] ?? 0) + 1;
      continue;
    }
    tasks.push({
      task_id,
      status: task.status,
      attempts: task.attempts,
      error: clipped(task.error ?? null),
      ...(task.skip_reason === undefined ? {} : { skip_reason: clip(task.skip_reason) }),
      ...(task.handled_by === undefined ? {} : { handled_by: task.handled_by }),
    });
  }
  return {
    execution_id: record.id,
    workflow_ref: record.workflow_ref,
    status: record.status,
    error: clipped(record.error),
    started_at: status.started_at,
    finished_at: status.finished_at,
    tasks,
    ...(Object.keys(omitted).length === 0 ? {} : { tasks_omitted: omitted }),
    failures,
    recent_events: recent.map(eventLine),
  };
}

const SYSTEM = `You explain why a Harmonia workflow execution failed (or what state it is in) to the engineer who runs it.
Harmonia runs tasks of a workflow as a DAG; each task runs an action (core.* built-ins or pack actions), may be retried under its retry policy, and its failure fails the execution unless an error handler takes it.
Answer in at most three short paragraphs: what failed and where, the most likely cause from the error messages, and what to change or check next. Quote error types and task ids exactly. Do not invent facts that are not given.`;

/** Asks the model to explain an execution from its facts. Thrown when the model server fails: LlmError. */
export async function explainExecution(client: ChatClient, facts: ExecutionFacts, options: { model?: string; signal?: AbortSignal } = {}): Promise<Explanation> {
  const reply = await client.complete(
    {
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: `The execution's facts as JSON:\n${JSON.stringify(facts, null, 1)}` },
      ],
      temperature: 0,
      ...(options.model === undefined ? {} : { model: options.model }),
    },
    options.signal,
  );
  return { execution_id: facts.execution_id, status: facts.status, explanation: reply.text.trim(), facts, model: reply.model, usage: reply.usage };
}
