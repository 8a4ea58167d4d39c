import type { Notification, Pool, PoolClient } from 'pg';
import type { ExecutionEvent } from '../../core/model.js';
import { toStoreError } from './pg-errors.js';

/** The channel the execution_events trigger notifies on (migration 002). */
export const EVENTS_CHANNEL = 'harmonia_events';

const RECONNECT_FIRST_MS = 100;
const RECONNECT_MAX_MS = 5_000;

export interface NotifierOptions {
  /** Told about a lost connection, a failed fetch or a listener that threw. @default ignored */
  on_error?: (error: Error) => void;
  /**
   * Called once listening again after the connection was lost. Appends committed in
   * between were not announced: subscribers should read on from their last seq.
   */
  on_reconnect?: () => void;
}

export interface EventNotifier {
  /**
   * Calls `listener` with the events of every append committed by any node (of one
   * execution when `execution_id` is given), in commit order. Returns the unsubscribe.
   */
  subscribe(listener: (events: ExecutionEvent[]) => void, filter?: { execution_id?: string }): () => void;
  close(): Promise<void>;
}

interface Announcement {
  schema: string;
  execution_id: string;
  from_seq: number;
  to_seq: number;
}

interface Subscriber {
  listener: (events: ExecutionEvent[]) => void;
  execution_id: string | undefined;
}

function asError(error: unknown): Error {
  const mapped = toStoreError(error);
  return mapped instanceof Error ? mapped : new Error(String(mapped));
}

function parseAnnouncement(payload: string | undefined): Announcement | null {
  try {
    const value = JSON.parse(payload ?? '') as Partial<Announcement>;
    if (typeof value.execution_id !== 'string' || typeof value.schema !== 'string') return null;
    return { schema: value.schema, execution_id: value.execution_id, from_seq: Number(value.from_seq), to_seq: Number(value.to_seq) };
  } catch {
    return null;
  }
}

/**
 * Listens for event appends on PostgreSQL's LISTEN/NOTIFY, so a subscriber on any node
 * sees every node's events. Holds one connection of `pool` while open; announcements of
 * other schemas in the same database are ignored. Close it before the store: ending
 * the pool waits for the connection it holds.
 */
export async function createNotifier(pool: Pool, options: NotifierOptions = {}): Promise<EventNotifier> {
  const subscribers = new Set<Subscriber>();
  const [found] = (await pool.query<{ schema: string | null }>('SELECT current_schema() AS schema').catch((error: unknown) => {
    throw toStoreError(error);
  })).rows;
  const schema = found?.schema ?? 'public';
  let client: PoolClient | null = null;
  let closing = false;
  let retry: NodeJS.Timeout | null = null;
  // Fetches run one after another so listeners see appends in commit order.
  let deliveries: Promise<void> = Promise.resolve();

  const report = (error: unknown): void => options.on_error?.(asError(error));

  const deliver = async (announced: Announcement): Promise<void> => {
    const wanted = [...subscribers].filter((s) => s.execution_id === undefined || s.execution_id === announced.execution_id);
    if (wanted.length === 0) return;
    const { rows } = await pool.query<{ event: ExecutionEvent }>(
      'SELECT event FROM execution_events WHERE execution_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq',
      [announced.execution_id, announced.from_seq, announced.to_seq],
    );
    const events = rows.map((row) => row.event);
    if (events.length === 0) return;
    for (const subscriber of wanted) {
      if (!subscribers.has(subscriber)) continue;
      try {
        subscriber.listener(events);
      } catch (error) {
        report(error);
      }
    }
  };

  const onNotification = (message: Notification): void => {
    if (message.channel !== EVENTS_CHANNEL) return;
    const announced = parseAnnouncement(message.payload);
    if (announced === null || announced.schema !== schema) return;
    deliveries = deliveries.then(() => deliver(announced)).catch(report);
  };

  let detach: (() => void) | null = null;

  const listen = async (): Promise<void> => {
    const next = await pool.connect();
    const onLost = (error?: Error): void => {
      off();
      if (client === next) client = null;
      const why = error ?? new Error('listening connection ended');
      next.release(why);
      if (closing) return;
      report(why);
      reconnect(0);
    };
    const onEnd = (): void => onLost();
    const off = (): void => {
      next.removeListener('notification', onNotification);
      next.removeListener('error', onLost);
      next.removeListener('end', onEnd);
      if (detach === off) detach = null;
    };
    next.on('notification', onNotification);
    next.on('error', onLost);
    next.on('end', onEnd);
    try {
      await next.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      off();
      next.release(asError(error));
      throw error;
    }
    client = next;
    detach = off;
  };

  const reconnect = (attempt: number): void => {
    const wait = Math.min(RECONNECT_FIRST_MS * 2 ** attempt, RECONNECT_MAX_MS);
    retry = setTimeout(() => {
      retry = null;
      if (closing) return;
      listen().then(
        () => options.on_reconnect?.(),
        (error: unknown) => {
          report(error);
          if (!closing) reconnect(attempt + 1);
        },
      );
    }, wait);
  };

  try {
    await listen();
  } catch (error) {
    throw toStoreError(error);
  }

  return {
    subscribe(listener, filter = {}) {
      const subscriber: Subscriber = { listener, execution_id: filter.execution_id };
      subscribers.add(subscriber);
      return () => {
        subscribers.delete(subscriber);
      };
    },
    async close() {
      if (closing) return;
      closing = true;
      if (retry) clearTimeout(retry);
      subscribers.clear();
      const held = client;
      client = null;
      if (held) {
        detach?.();
        const ignore = (): void => undefined;
        held.on('error', ignore);
        const failed = await held.query(`UNLISTEN ${EVENTS_CHANNEL}`).then(
          () => undefined,
          (error: unknown) => asError(error),
        );
        held.removeListener('error', ignore);
        held.release(failed);
      }
      await deliveries;
    },
  };
}
