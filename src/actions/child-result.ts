import type { TaskResult } from '../core/model.js';
import type { ChildOutcome } from './run-child.js';
import { abortedResult, errorResult, isPlainObject, readPrintedError, successResult } from './task-result.js';

const MESSAGE_TAIL = 2000;

/** The last line of `text` that parses as a JSON object, or null. */
export function lastJsonObjectLine(text: string): Record<string, unknown> | null {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = (lines[i] ?? '').trim();
    if (!line.startsWith('{') || !line.endsWith('}')) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isPlainObject(value)) return value;
    } catch {
      // Not JSON after all: keep looking further up.
    }
  }
  return null;
}

function tail(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MESSAGE_TAIL ? `...${trimmed.slice(-MESSAGE_TAIL)}` : trimmed;
}

/**
 * Turns a finished child into a task result: the last JSON object line of stdout is the
 * output (else `{stdout, stderr, exit_code}`); a non-zero exit is a failure whose
 * `error_type`, `error_message` and `is_retriable` may be printed as a JSON line.
 */
export function childResult(
  outcome: ChildOutcome,
  signal: AbortSignal,
  what: string,
  max_output_bytes: number,
): TaskResult {
  switch (outcome.kind) {
    case 'spawn_failed':
      return errorResult('ACTION_FAILED', `${what} could not start: ${outcome.message}`, false);
    case 'aborted':
      return abortedResult(signal, what);
    case 'too_large':
      return errorResult(
        'TASK_OUTPUT_TOO_LARGE',
        `${what} printed more than ${max_output_bytes} bytes; it was stopped`,
        false,
      );
    case 'exited':
      break;
  }
  const printed = lastJsonObjectLine(outcome.stdout);
  if (outcome.exit_code === 0 && printed === null && outcome.truncated === true) {
    // Without a result line the output would be the whole print-out, which is over the limit.
    return errorResult(
      'TASK_OUTPUT_TOO_LARGE',
      `${what} printed more than ${max_output_bytes} bytes and no JSON result line; its lines are in the task log`,
      false,
    );
  }
  if (outcome.exit_code === 0) {
    return successResult(printed ?? { stdout: outcome.stdout, stderr: outcome.stderr, exit_code: 0 });
  }
  const reported = readPrintedError(printed) ?? readPrintedError(lastJsonObjectLine(outcome.stderr));
  const how =
    outcome.exit_code === null ? `was killed by ${outcome.exit_signal ?? 'a signal'}` : `exited with code ${outcome.exit_code}`;
  const detail = tail(outcome.stderr) || tail(outcome.stdout);
  const message = reported?.error_message ?? (detail ? `${what} ${how}: ${detail}` : `${what} ${how}`);
  return errorResult(reported?.error_type ?? 'ACTION_FAILED', message, reported?.is_retriable ?? true);
}
