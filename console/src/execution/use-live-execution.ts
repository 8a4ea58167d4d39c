/**
 * An execution kept live: its record, its whole event history and the folded task
 * views, then every new event from the per-execution SSE stream. The client's stream
 * resumes a dropped connection with Last-Event-ID and skips seqs it already yielded, and
 * the fold ignores any seq it has seen, so no event is lost or applied twice. Events
 * arriving in a burst are applied once per animation frame.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ExecutionEvent } from '../../../src/core/model.js';
import type { ExecutionDetail, WorkflowDetail } from '../../../src/core/wire.js';
import type { HarmoniaClient } from '../client.js';
import { emptyFold, foldEvents, type ExecutionFold } from './fold-tasks.js';

export interface LiveExecution {
  kind: 'loading' | 'error' | 'ready';
  error: Error | null;
  record: ExecutionDetail | null;
  workflow: WorkflowDetail | null;
  events: ExecutionEvent[];
  fold: ExecutionFold;
  /**
   * 'live' while the stream is open; 'reconnecting' while the server is away and the
   * client tries again; 'lost' after the client gave up reconnecting.
   */
  stream: 'connecting' | 'live' | 'reconnecting' | 'lost';
  /** Bumped on every applied batch, so memoised views can key on it. */
  version: number;
  /** Re-reads the record (after a control) and reopens a lost stream. */
  refresh(): void;
}

export function useLiveExecution(client: HarmoniaClient, id: string): LiveExecution {
  const [, setVersion] = useState(0);
  const [restart, setRestart] = useState(0);
  const live = useRef<Omit<LiveExecution, 'refresh'>>(initial());

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const state = live.current.record?.id === id ? live.current : (live.current = initial());
    const bump = () => {
      state.version += 1;
      setVersion(state.version);
    };
    let pending: ExecutionEvent[] = [];
    let frame = 0;
    let recordReload: Promise<void> | null = null;
    const reloadRecord = () => {
      recordReload ??= client
        .getWorkflowStatus(id, { signal })
        .then((record) => {
          state.record = record;
          bump();
        })
        .catch(() => undefined)
        .finally(() => (recordReload = null));
    };
    const flush = () => {
      frame = 0;
      const batch = pending;
      pending = [];
      for (const event of batch) if (event.seq > (state.events.at(-1)?.seq ?? 0)) state.events.push(event);
      foldEvents(state.fold, batch);
      if (batch.some((e) => e.task_id === undefined)) reloadRecord();
      bump();
    };

    const run = async () => {
      if (state.record === null) {
        // the record and the history in parallel; the workflow version needs the record's id
        const [record, history] = await Promise.all([client.getWorkflowStatus(id, { signal }), client.listEvents(id, { signal })]);
        const workflow = await client.getWorkflow(record.workflow_id, { signal }).catch(() => null);
        state.record = record;
        state.workflow = workflow;
        state.events = history.events;
        foldEvents(state.fold, history.events);
        state.kind = 'ready';
        // read by bench/console.mjs: render time is measured from here to the DAG drawn
        performance.mark('harmonia:execution-loaded');
      } else {
        reloadRecord();
      }
      state.stream = 'connecting';
      bump();
      const onConnection = (connection: 'open' | 'reconnecting') => {
        const next = connection === 'open' ? 'live' : 'reconnecting';
        if (state.stream === next) return;
        // what changed while the server was away (a status, a finish) is read again on return
        if (state.stream === 'reconnecting') reloadRecord();
        if (next === 'live') state.error = null;
        state.stream = next;
        bump();
      };
      // untilFinished false: a retried execution carries on in the same stream
      for await (const event of client.events(id, { afterSeq: state.fold.last_seq, untilFinished: false, signal, onConnection })) {
        pending.push(event);
        if (frame === 0) frame = requestAnimationFrame(flush);
      }
    };
    run().catch((error: unknown) => {
      if (signal.aborted) return;
      // kept once loaded too: a stream refused for a revoked or expired token asks for a new sign-in
      state.error = error instanceof Error ? error : new Error(String(error));
      if (state.kind === 'loading') state.kind = 'error';
      state.stream = 'lost';
      bump();
    });
    return () => {
      controller.abort();
      if (frame !== 0) cancelAnimationFrame(frame);
    };
  }, [client, id, restart]);

  return { ...live.current, refresh: () => setRestart((n) => n + 1) };
}

function initial(): Omit<LiveExecution, 'refresh'> {
  return { kind: 'loading', error: null, record: null, workflow: null, events: [], fold: emptyFold(), stream: 'connecting', version: 0 };
}
