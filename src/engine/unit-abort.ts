/**
 * The abort switch of one running unit. Its AbortSignal is made only when a handler reads
 * it: most no-op and core actions never do, and making an AbortController costs more than
 * the rest of starting a unit.
 */
export class UnitAbort {
  private controller: AbortController | null = null;
  private aborted = false;
  private reason: unknown = undefined;

  /** The signal handed to the action; already aborted (with the reason) if abort() came first. */
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Aborts once; later calls keep the first reason, as AbortController does. */
  abort(reason: unknown): void {
    if (this.controller !== null) {
      this.controller.abort(reason);
      return;
    }
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
  }
}
