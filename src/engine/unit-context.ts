/**
 * The ActionContext handed to one attempt of a unit. A class, so that `signal` is a getter
 * on the prototype: an object literal with a getter cost about 10 µs to make (V8 builds such
 * literals at run time), twenty times this class and more than the rest of starting a
 * unit, while the AbortSignal behind it is still made only when read (UnitAbort).
 */
import type { ActionContext, TaskLogStream } from '../actions/action.js';
import type { UnitAbort } from './unit-abort.js';

export class UnitContext implements ActionContext {
  pack_dir?: string;

  constructor(
    readonly execution_id: string,
    readonly task_id: string,
    readonly attempt: number,
    readonly idempotency_key: string,
    readonly timeout_ms: number,
    readonly max_output_bytes: number,
    readonly log: (stream: TaskLogStream, line: string) => void,
    private readonly abort: UnitAbort,
    readonly log_backlog: () => Promise<void> | null,
  ) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }
}
