/** SSE streams: one execution's events (history, then live) and every execution's events (resumable by global position). */
import { defineRoutes, type AppServices, type RouteRequest, type RouteResponse } from '../route.js';
import { openSse, resumeCursor, resumeSeq, type SseStream } from '../sse.js';
import { batchSse, eventSse } from '../event-json.js';
import { streamAllEvents, streamExecutionEvents, type BatchSink, type EventSink } from '../stream-events.js';
import type { StreamHub } from '../stream-hub.js';
import { packEventJson, streamPackEvents } from '../stream-pack-events.js';
import { globalFeedOf } from '../global-feed-of.js';
import { refuseCursorPastHead } from '../../app/cursor-past-head.js';

/** The SSE routes; `hub` tracks open streams for shutdown. */
export function eventRoutes(hub: StreamHub) {
  const sseOptions = (services: AppServices, request: RouteRequest) => ({
    buffer_bytes: services.options.stream_buffer_bytes,
    queue_messages: services.options.stream_queue_events,
    keepalive_seconds: services.options.sse_keepalive_seconds,
    hub,
    authorized: () => request.stillAuthorized(),
  });
  const sinkOf = (stream: SseStream): EventSink => ({
    send: (event) => stream.push(eventSse(event, 'seq'), String(event.seq)),
    whenRoomy: () => stream.outbox.whenRoomy(),
    close: (reason) => stream.drop(reason),
  });
  const batchSinkOf = (stream: SseStream): BatchSink => ({
    pushBatch: (batch) => stream.outbox.hold(batchSse(batch), String(batch.events.at(-1)?.position ?? ''), batch.events.length),
    flush: () => stream.outbox.writeIfIdle(),
    whenRoomy: () => stream.outbox.whenRoomy(),
    close: (reason) => stream.drop(reason),
  });

  const executionStream = async (request: RouteRequest, services: AppServices): Promise<RouteResponse> => {
    const id = request.params.id ?? '';
    const afterSeq = resumeSeq(request.koa);
    refuseCursorPastHead(afterSeq, (await services.engine.getExecution(id)).last_seq);
    let stop = (): void => undefined;
    const stream = openSse(request.koa, sseOptions(services, request), () => stop());
    stop = streamExecutionEvents({
      bus: services.engine.bus,
      readEvents: (execId, after, limit) => services.engine.readEvents(execId, after, limit),
      execution_id: id,
      after_seq: afterSeq,
      sink: sinkOf(stream),
    });
    return { streamed: true };
  };

  const allStream = async (request: RouteRequest, services: AppServices): Promise<RouteResponse> => {
    const afterPosition = resumeCursor(request.koa, 'after_position', null);
    if (afterPosition !== null) refuseCursorPastHead(afterPosition, await services.store.executions.highestEventPosition());
    let stop = (): void => undefined;
    const stream = openSse(request.koa, sseOptions(services, request), () => stop());
    const stopExecutions = streamAllEvents({ feed: globalFeedOf(hub, services), after_position: afterPosition, sink: batchSinkOf(stream) });
    const stopPacks = streamPackEvents({
      events: services.pack_events,
      // no id: a reconnect's Last-Event-ID stays the last execution event's position
      send: (event) => stream.push(`event: ${event.event_type}\ndata: ${packEventJson(event)}\n\n`, ''),
      close: (reason) => stream.drop(reason),
    });
    stop = () => {
      stopExecutions();
      stopPacks();
    };
    return { streamed: true };
  };

  return defineRoutes([
    {
      method: 'GET',
      path: '/events/executions/:id',
      base: 'root',
      scope: 'read',
      stream: 'sse',
      tag: 'streams',
      summary: 'Stream one execution\'s events as Server-Sent Events: history first, then live; resumes after Last-Event-ID.',
      query: [
        { name: 'after_seq', type: 'integer', description: 'Start after this seq (Last-Event-ID takes precedence).' },
        { name: 'token', type: 'string', description: 'Bearer token, for browsers whose EventSource cannot set headers.' },
      ],
      responses: {
        200: { description: 'An event stream; `event:` is the event type, `id:` its seq.', content_type: 'text/event-stream' },
        404: { description: 'No such execution.', schema: 'Error' },
      },
      handler: executionStream,
    },
    {
      method: 'GET',
      path: '/events',
      base: 'root',
      scope: 'read',
      stream: 'sse',
      tag: 'streams',
      summary:
        'Stream every execution\'s events as Server-Sent Events, in the order they were stored; `id:` is the event\'s global ' +
        '`position`, so a reconnect with Last-Event-ID (or `?after_position=`) resumes with no gap and no repeat. Without ' +
        'either, only events from now on. Pack events (`pack_synced`, `pack_validation_failed`, `pack_deleted`, ' +
        '`git_sync_failed`) come as named events without an id.',
      query: [
        { name: 'after_position', type: 'integer', description: 'Start after this global position (Last-Event-ID takes precedence).' },
        { name: 'token', type: 'string', description: 'Bearer token, for browsers.' },
      ],
      responses: { 200: { description: 'An event stream.', content_type: 'text/event-stream' } },
      handler: allStream,
    },
  ]);
}
