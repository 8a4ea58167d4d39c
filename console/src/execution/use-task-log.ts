/**
 * One task attempt's log, kept live: the stored lines read page by page (so an empty log
 * and a loading one can be told apart; a rerun reads on from the last line it has),
 * then, while the execution has not finished, the
 * same lines followed over SSE from the last seq read (the client resumes a dropped
 * stream itself). Lines arriving in a burst are applied once per animation frame, and
 * only the newest KEEP_LINES are held: a longer log is downloaded whole instead.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { TaskLogLineView } from '../../../src/core/wire.js';
import type { HarmoniaClient } from '../client.js';

/** The most lines a task panel holds; older ones are dropped (and counted). */
export const KEEP_LINES = 100_000;

export interface TaskLog {
  /** 'idle' when there is no attempt to read yet. */
  kind: 'idle' | 'loading' | 'ready' | 'error';
  error: Error | null;
  lines: TaskLogLineView[];
  /** Lines dropped from the front to stay within KEEP_LINES. */
  dropped: number;
  /** True while the live stream is open. */
  following: boolean;
  /** True while following and the server does not answer: the client is reconnecting. */
  reconnecting: boolean;
  /** Bumped on every applied batch, so views can key on it. */
  version: number;
  retry(): void;
}

type State = Omit<TaskLog, 'retry'> & { key: string };

export function useTaskLog(client: HarmoniaClient, executionId: string, taskId: string, attempt: number | null, follow: boolean): TaskLog {
  const [, setVersion] = useState(0);
  const [restart, setRestart] = useState(0);
  const key = `${executionId}\n${taskId}\n${attempt ?? ''}`;
  const live = useRef<State>(initial(key, attempt));
  // another task or attempt: start over at once, so its first render shows none of the last one's lines
  if (live.current.key !== key) live.current = initial(key, attempt);

  useEffect(() => {
    // a reconnect or a retried execution reads on from the lines it has; after an error, it starts over
    const state = live.current.kind !== 'error' ? live.current : (live.current = initial(key, attempt));
    if (attempt === null) return undefined;
    const controller = new AbortController();
    const { signal } = controller;
    const bump = () => {
      state.version += 1;
      setVersion(state.version);
    };
    let pending: TaskLogLineView[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const last = state.lines.at(-1)?.seq ?? 0;
      for (const line of batch) if (line.seq > last) state.lines.push(line);
      const over = state.lines.length - KEEP_LINES;
      if (over > 0) {
        state.lines.splice(0, over);
        state.dropped += over;
      }
      bump();
    };
    const take = (line: TaskLogLineView) => {
      pending.push(line);
      if (frame === 0) frame = requestAnimationFrame(flush);
    };
    const after = () => pending.at(-1)?.seq ?? state.lines.at(-1)?.seq ?? 0;

    // a stream the previous run had open was closed by its cleanup
    state.following = false;
    state.reconnecting = false;
    const run = async () => {
      // also on a rerun: the stream it replaces may have been cut before its last lines
      for await (const line of client.logs(executionId, { task: taskId, attempt, after: after(), signal })) take(line);
      flush();
      state.kind = 'ready';
      bump();
      if (!follow) return;
      state.following = true;
      bump();
      const onConnection = (connection: 'open' | 'reconnecting') => {
        const reconnecting = connection === 'reconnecting';
        if (state.reconnecting === reconnecting) return;
        state.reconnecting = reconnecting;
        bump();
      };
      for await (const line of client.logs(executionId, { task: taskId, attempt, after: after(), follow: true, signal, onConnection })) take(line);
      flush();
      state.following = false;
      state.reconnecting = false;
      bump();
    };
    run().catch((error: unknown) => {
      if (signal.aborted) return;
      flush();
      state.following = false;
      state.reconnecting = false;
      state.kind = 'error';
      state.error = error instanceof Error ? error : new Error(String(error));
      bump();
    });
    return () => {
      controller.abort();
      if (frame !== 0) cancelAnimationFrame(frame);
      // lines read but not yet drawn are kept, so a restart reads on after them
      flush();
    };
  }, [client, executionId, taskId, attempt, follow, restart, key]);

  return {
    ...live.current,
    retry: () => {
      live.current = initial(key, attempt);
      setRestart((n) => n + 1);
    },
  };
}

function initial(key: string, attempt: number | null): State {
  return { key, kind: attempt === null ? 'idle' : 'loading', error: null, lines: [], dropped: 0, following: false, reconnecting: false, version: 0 };
}
