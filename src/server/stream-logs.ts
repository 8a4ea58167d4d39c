/**
 * Follows one execution's task log over Server-Sent Events: what is stored after the
 * cursor first, then live, each line with `id: <seq>` so a reconnect resumes after
 * Last-Event-ID. Writes wait for the socket to drain (a slow reader slows only itself),
 * and the stream ends with `event: end` once the execution has finished and its last lines
 * have been sent.
 */
import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';
import type { Engine } from '../engine/index.js';
import type { StoredTaskLogLine, TaskLogQuery } from '../store/store.js';
import type { StreamHub } from './stream-hub.js';
import { TOKEN_GONE } from './sse.js';
import { logLineView } from './views.js';

const PAGE = 1000;
// Lines stored by another node wake no local listener: look again this often.
const POLL_MS = 500;

export interface LogStreamOptions {
  engine: Engine;
  hub: StreamHub;
  execution_id: string;
  query: Omit<TaskLogQuery, 'limit'>;
  keepalive_seconds: number;
  /** Asked at each keep-alive: false ends the stream (its token was revoked or expired). */
  authorized?: () => boolean;
}

function isFinished(status: string): boolean {
  return status === 'completed' || status === 'failed' || status === 'canceled';
}

/** Streams the log until the execution ends, the client leaves or the server stops. */
export function streamLogs(ctx: Context, options: LogStreamOptions): void {
  const res: ServerResponse = ctx.res;
  ctx.req.socket.setNoDelay(true);
  ctx.req.socket.setTimeout(0);
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  let closed = false;
  let wake: (() => void) | null = null;
  const unfollow = options.engine.followLogs((lines) => {
    if (lines.some((line) => line.execution_id === options.execution_id)) wake?.();
  });
  const keepalive = setInterval(() => {
    if (options.authorized !== undefined && !options.authorized()) close(TOKEN_GONE);
    else res.write(': keep-alive\n\n');
  }, options.keepalive_seconds * 1000);
  keepalive.unref();
  const finish = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    unfollow();
    unregister();
    wake?.();
  };
  const close = (reason: string): void => {
    if (!closed) res.end(`event: close\ndata: ${JSON.stringify({ reason })}\n\n`);
    finish();
  };
  const unregister = options.hub.add(close);
  res.on('close', finish);

  const send = async (line: StoredTaskLogLine): Promise<void> => {
    if (!res.write(`id: ${line.seq}\nevent: log\ndata: ${JSON.stringify(logLineView(line))}\n\n`)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  };

  void followLogLines({
    engine: options.engine,
    execution_id: options.execution_id,
    query: options.query,
    isClosed: () => closed,
    send,
    onWait: (fn) => (wake = fn),
    end: (lastSeq) => {
      res.end(`event: end\ndata: ${JSON.stringify({ execution_id: options.execution_id, last_seq: lastSeq })}\n\n`);
      finish();
    },
  }).catch(() => {
    if (!closed) res.destroy();
    finish();
  });
}

export interface FollowLogOptions {
  engine: Engine;
  execution_id: string;
  query: Omit<TaskLogQuery, 'limit'>;
  isClosed(): boolean;
  /** Resolves once the line is handed on (after the transport drained, if it had to). */
  send(line: StoredTaskLogLine): Promise<void>;
  /** Registers the wake-up of the current wait (a local line for this execution). */
  onWait(wake: () => void): void;
  /** The execution has finished and every line was sent. */
  end(lastSeq: number): void;
}

/**
 * Sends an execution's stored log lines after the cursor, then new ones, woken by this
 * engine's writes and looking again every POLL_MS for other nodes'; ends once the execution
 * has finished and a read after that found nothing more. Shared by the SSE and WebSocket streams.
 */
export async function followLogLines(options: FollowLogOptions): Promise<void> {
  let after = options.query.after ?? 0;
  let finishedSeen = false;
  while (!options.isClosed()) {
    // Read up to the head seen first: a filter that matched nothing there has still passed
    // those lines, so the next look starts after them (each line is scanned once, not at
    // every wake-up: a filtered follower of a chatty execution was quadratic in its log).
    const head = await options.engine.lastLogSeq(options.execution_id);
    const lines = await options.engine.readLogs(options.execution_id, { ...options.query, after, through: head, limit: PAGE });
    for (const line of lines) {
      if (options.isClosed()) return;
      await options.send(line);
      after = line.seq;
    }
    if (lines.length === PAGE) continue;
    after = Math.max(after, head);
    if (finishedSeen && lines.length === 0) {
      options.end(after);
      return;
    }
    // One more read after the end is seen: the engine stores its last lines just after.
    finishedSeen = isFinished((await options.engine.getExecution(options.execution_id)).status);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => resolve(), finishedSeen ? 100 : POLL_MS);
      options.onWait(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
