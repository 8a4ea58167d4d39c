/** What the client's self-resuming streams share: which failures are worth a reconnect, and the pause before one. */
import { HarmoniaClientError, UnavailableError } from './errors.js';

/** True for a dropped connection or a server-side failure; a 4xx answer is the caller's to fix. */
export function isRetriable(error: unknown): boolean {
  if (!(error instanceof HarmoniaClientError)) return true;
  return error instanceof UnavailableError || error.status >= 500 || error.status === 0;
}

/** Resolves after `ms`; rejects with the signal's reason when it is aborted first. */
export function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
