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
  const keepalive = setInterval(() => res.write(': keep-alive\n\n'), options.keepalive_seconds * 1000);
  keepalive.unref();
  const finish = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    unfollow();
    unregister();
    wake?.();
  };
  const unregister = options.hub.add((reason) => {
    if (!closed) res.end(`event: close\ndata: ${JSON.stringify({ reason })}\n\n`);
    finish();
  });
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

  void (async () => {
    let after = options.query.after ?? 0;
    let finishedSeen = false;
    while (!closed) {
      const lines = await options.engine.readLogs(options.execution_id, { ...options.query, after, limit: PAGE });
      for (const line of lines) {
        if (closed) return;
        await send(line);
        after = line.seq;
      }
      if (lines.length === PAGE) continue;
      if (finishedSeen && lines.length === 0) {
        res.end(`event: end\ndata: ${JSON.stringify({ execution_id: options.execution_id, last_seq: after })}\n\n`);
        finish();
        return;
      }
      // One more read after the end is seen: the engine stores its last lines just after.
      finishedSeen = isFinished((await options.engine.getExecution(options.execution_id)).status);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => resolve(), finishedSeen ? 100 : POLL_MS);
        wake = () => {
          clearTimeout(timer);
          wake = null;
          resolve();
        };
      });
    }
  })().catch(() => {
    if (!closed) res.destroy();
    finish();
  });
}
