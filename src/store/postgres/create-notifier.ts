import type { Pool } from 'pg';
import type { ExecutionEvent } from '../../core/model.js';
import { listenChannel } from './listen-channel.js';
import { toStoreError } from './pg-errors.js';

/** The channel the execution_events trigger notifies on (migration 002). */
export const EVENTS_CHANNEL = 'harmonia_events';

export interface NotifierOptions {
  /** Told about a lost connection, a failed fetch or a listener that threw. @default ignored */
  on_error?: (error: Error) => void;
  /**
   * Called once listening again after the connection was lost. Appends committed in
   * between were not announced: subscribers should read on from their last seq.
   */
  on_reconnect?: () => void;
}

/** Which announced appends a subscriber wants read and delivered. */
export interface NotifierFilter {
  /** Only this execution's. */
  execution_id?: string;
  /**
   * True when the subscriber already has the execution's events up to `to_seq` (a node's
   * own commits, published on its bus before they are announced): no read is made for a
   * subscriber that says so, and none at all when every subscriber does.
   */
  seen?: (execution_id: string, to_seq: number) => boolean;
}

export interface EventNotifier {
  /**
   * Calls `listener` with the events of every append committed by any node (of one
   * execution when `execution_id` is given), in commit order. Returns the unsubscribe.
   */
  subscribe(listener: (events: ExecutionEvent[]) => void, filter?: NotifierFilter): () => void;
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
  seen: NotifierFilter['seen'];
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
 * sees every node's events. Listens on one connection of `held` while open and reads the
 * events through `pool`; announcements of other schemas in the same database are ignored.
 * Close it before the store: ending a pool waits for the connection it holds.
 */
export async function createNotifier(pool: Pool, held: Pool, options: NotifierOptions = {}): Promise<EventNotifier> {
  const subscribers = new Set<Subscriber>();
  // Fetches run one after another so listeners see appends in commit order.
  let deliveries: Promise<void> = Promise.resolve();

  const report = (error: unknown): void => options.on_error?.(asError(error));

  const deliver = async (announced: Announcement): Promise<void> => {
    const wanted = [...subscribers].filter(
      (s) => (s.execution_id === undefined || s.execution_id === announced.execution_id) && !s.seen?.(announced.execution_id, announced.to_seq),
    );
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

  const listener = listenChannel(held, EVENTS_CHANNEL, {
    on_payload: (payload, schema) => {
      const announced = parseAnnouncement(payload);
      if (announced === null || announced.schema !== schema) return;
      deliveries = deliveries.then(() => deliver(announced)).catch(report);
    },
    on_listening: (again) => {
      if (again) options.on_reconnect?.();
    },
    on_error: report,
  });
  await listener.ready;

  return {
    subscribe(listener, filter = {}) {
      const subscriber: Subscriber = { listener, execution_id: filter.execution_id, seen: filter.seen };
      subscribers.add(subscriber);
      return () => {
        subscribers.delete(subscriber);
      };
    },
    async close() {
      subscribers.clear();
      await listener.close();
      await deliveries;
    },
  };
}
