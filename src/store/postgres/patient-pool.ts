import pg from 'pg';
import { pgCode } from './pg-errors.js';

// Refusals that mean "not now" rather than "not at all": the server is at max_connections
// (53300) or still starting up (57P03). No statement has run, so asking again is always safe.
const BUSY_CODES = new Set(['53300', '57P03']);
/** How long a connection is asked for again after such a refusal before the refusal is the answer. */
const PATIENCE_MS = 10_000;
const FIRST_WAIT_MS = 20;
const LONGEST_WAIT_MS = 500;
const POOL_WAIT_TIMEOUT = 'timeout exceeded when trying to connect';

export interface PatientPoolOptions extends pg.PoolConfig {
  /** Default 10 s. */
  patience_ms?: number;
  /** Told of each refusal that will be asked again (the store logs it). */
  on_busy?: (error: Error) => void;
  /**
   * Longest wait for a connection while every one of the pool is in use (and for a new
   * connection to open), before the caller gets an error instead. @default no bound
   */
  wait_ms?: number;
  /** The error a caller gets when no connection came free within `wait_ms`. @default pg's own */
  on_exhausted?: (pool: { size: number; waiting: number; wait_ms: number; cause: Error }) => Error;
}

type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A pg pool that, when the server refuses a new connection because it is full or starting,
 * asks again with growing, jittered waits for up to `patience_ms`. Without it, a burst
 * of nodes or a neighbour holding connections for a moment fails whatever statement needed
 * the connection (an operator's retry, a checkpoint) although a second later it would run.
 * `pool.query` takes its connection through `connect`, so both paths are covered.
 */
export class PatientPool extends pg.Pool {
  private readonly patienceMs: number;
  private readonly onBusy: (error: Error) => void;
  private readonly onExhausted: PatientPoolOptions['on_exhausted'];

  constructor({ patience_ms, on_busy, wait_ms, on_exhausted, ...options }: PatientPoolOptions) {
    super(wait_ms === undefined ? options : { ...options, connectionTimeoutMillis: wait_ms });
    this.patienceMs = patience_ms ?? PATIENCE_MS;
    this.onBusy = on_busy ?? (() => undefined);
    this.onExhausted = on_exhausted;
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const connecting = this.connectPatiently();
    if (callback === undefined) return connecting;
    connecting.then(
      (client) => callback(undefined, client, (release) => client.release(release as Error | boolean | undefined)),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), undefined, () => undefined),
    );
  }

  private async connectPatiently(): Promise<pg.PoolClient> {
    try {
      return await askAgainWhileBusy(() => super.connect(), { patience_ms: this.patienceMs, on_busy: this.onBusy, stop: () => this.ending });
    } catch (error) {
      // pg-pool's words for a wait in its queue that ran out (a slow new connection ends otherwise).
      if (this.onExhausted === undefined || !(error instanceof Error) || error.message !== POOL_WAIT_TIMEOUT) throw error;
      const size = this.options.max;
      throw this.onExhausted({ size, waiting: this.waitingCount, wait_ms: this.options.connectionTimeoutMillis ?? 0, cause: error });
    }
  }
}

/**
 * Runs `connect` again while the server refuses it as full or starting (see PatientPool),
 * with growing, jittered waits, until `patience_ms` is spent or `stop()` says to give up.
 */
export async function askAgainWhileBusy<T>(
  connect: () => Promise<T>,
  options: { patience_ms?: number; on_busy?: (error: Error) => void; stop?: () => boolean } = {},
): Promise<T> {
  const giveUpAt = Date.now() + (options.patience_ms ?? PATIENCE_MS);
  let wait = FIRST_WAIT_MS;
  for (;;) {
    try {
      return await connect();
    } catch (error) {
      const code = pgCode(error);
      if (code === undefined || !BUSY_CODES.has(code) || options.stop?.() === true || Date.now() + wait > giveUpAt) throw error;
      options.on_busy?.(error as Error);
      // Jitter keeps many waiting nodes from coming back in step.
      await pause(wait / 2 + Math.random() * (wait / 2));
      wait = Math.min(wait * 2, LONGEST_WAIT_MS);
    }
  }
}
