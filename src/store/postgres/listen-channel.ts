/**
 * The one listen-and-reconnect loop on PostgreSQL's LISTEN/NOTIFY. The event notifier,
 * the leader announcements and the control channel each hold one connection (of the
 * store's pool for held connections, not its statement pool) listening on their channel;
 * when it drops they listen again, 100 ms doubling up to 5 s, and say so, because
 * whatever was notified meanwhile is lost.
 */
import type { Notification, Pool, PoolClient } from 'pg';
import { toStoreError } from './pg-errors.js';

const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5_000;

export interface ChannelListenerOptions {
  /** Each payload on the channel, with the schema this connection works in (payloads carry theirs). */
  on_payload: (payload: string, schema: string) => void;
  /** Each time listening starts; `again` after a lost connection, when notifications in between were not seen. */
  on_listening?: (again: boolean) => void;
  /** Keep trying when the very first attempt fails, instead of rejecting `ready`. @default false */
  retry_first?: boolean;
  /** A lost connection or a failed attempt to listen again (it retries by itself). */
  on_error?: (error: Error) => void;
}

export interface ChannelListener {
  /**
   * Resolves once listening; rejects (a StoreError) when the first attempt fails, unless
   * `retry_first`. Later attempts retry by themselves.
   */
  ready: Promise<void>;
  close(): Promise<void>;
}

function asError(error: unknown): Error {
  const mapped = toStoreError(error);
  return mapped instanceof Error ? mapped : new Error(String(mapped));
}

/** Sends `payload` on `channel` to every listening connection of the database. */
export async function notifyChannel(pool: Pool, channel: string, payload: string): Promise<void> {
  try {
    await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  } catch (error) {
    throw toStoreError(error);
  }
}

/**
 * Listens on `channel` with one connection of `pool` until closed. Close it before the
 * pool: ending the pool waits for the connection it holds.
 */
export function listenChannel(pool: Pool, channel: string, options: ChannelListenerOptions): ChannelListener {
  let client: PoolClient | null = null;
  let detach: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  let closed = false;
  let delay = RECONNECT_FIRST_MS;
  const report = (error: unknown): void => options.on_error?.(asError(error));

  let listened = false;
  let settleReady: { resolve: () => void; reject: (error: unknown) => void } | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  ready.catch(() => undefined);

  let inflight: Promise<void> = Promise.resolve();
  const attempt = (): void => {
    inflight = listen().then(
      () => {
        if (closed) return;
        const again = listened;
        listened = true;
        settleReady?.resolve();
        options.on_listening?.(again);
      },
      (error: unknown) => {
        if (!listened && !options.retry_first) {
          settleReady?.reject(toStoreError(error));
          return;
        }
        report(error);
        retry();
      },
    );
  };

  const retry = (): void => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      if (!closed) attempt();
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  };

  async function listen(): Promise<void> {
    const next = await pool.connect();
    let schema = '';
    const onNotification = (message: Notification): void => {
      if (message.channel === channel) options.on_payload(message.payload ?? '', schema);
    };
    const off = (): void => {
      next.removeListener('notification', onNotification);
      next.removeListener('error', lost);
      next.removeListener('end', ended);
      if (detach === off) detach = null;
    };
    function lost(error?: Error): void {
      off();
      if (client === next) client = null;
      const why = error ?? new Error(`the connection listening on ${channel} ended`);
      next.release(why);
      if (closed) return;
      report(why);
      retry();
    }
    function ended(): void {
      lost();
    }
    next.on('error', lost);
    next.on('end', ended);
    try {
      const { rows } = await next.query<{ schema: string }>(`SELECT COALESCE(current_schema(), '') AS schema`);
      schema = rows[0]?.schema ?? '';
      next.on('notification', onNotification);
      await next.query(`LISTEN ${channel}`);
    } catch (error) {
      off();
      next.release(error instanceof Error ? error : true);
      throw error;
    }
    if (closed) {
      off();
      await next.query(`UNLISTEN ${channel}`).catch(() => undefined);
      next.release();
      return;
    }
    client = next;
    detach = off;
    delay = RECONNECT_FIRST_MS;
  }

  attempt();
  return {
    ready,
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      settleReady?.resolve();
      await inflight;
      const held = client;
      client = null;
      if (!held) return;
      detach?.();
      const ignore = (): void => undefined;
      held.on('error', ignore);
      const failed = await held.query(`UNLISTEN ${channel}`).then(
        () => undefined,
        (error: unknown) => asError(error),
      );
      held.removeListener('error', ignore);
      held.release(failed);
    },
  };
}
