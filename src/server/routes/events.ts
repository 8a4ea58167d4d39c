/** SSE streams: one execution's events (history, then live) and every execution's live events. */
import { HarmoniaError } from '../../core/errors.js';
import { defineRoutes, type AppServices, type RouteRequest, type RouteResponse } from '../route.js';
import { openSse, resumeSeq } from '../sse.js';
import { streamAllEvents, streamExecutionEvents } from '../stream-events.js';
import type { StreamHub } from '../stream-hub.js';
import { packEventJson, streamPackEvents } from '../stream-pack-events.js';

/** The SSE routes; `hub` tracks open streams for shutdown. */
export function eventRoutes(hub: StreamHub) {
  const sseOptions = (services: AppServices, globalIds: boolean) => ({
    buffer_bytes: services.options.stream_buffer_bytes,
    keepalive_seconds: services.options.sse_keepalive_seconds,
    hub,
    event_id: globalIds
      ? (e: { execution_id: string; seq: number }) => `${e.execution_id}:${e.seq}`
      : (e: { seq: number }) => String(e.seq),
  });

  const executionStream = async (request: RouteRequest, services: AppServices): Promise<RouteResponse> => {
    const id = request.params.id ?? '';
    const afterSeq = resumeSeq(request.koa);
    await services.engine.getExecution(id);
    let stop = (): void => undefined;
    const sink = openSse(request.koa, sseOptions(services, false), () => stop());
    stop = streamExecutionEvents({
      bus: services.engine.bus,
      readEvents: (execId, after, limit) => services.engine.readEvents(execId, after, limit),
      execution_id: id,
      after_seq: afterSeq,
      sink,
    });
    return { streamed: true };
  };

  const allStream = async (request: RouteRequest, services: AppServices): Promise<RouteResponse> => {
    if (request.koa.get('Last-Event-ID') !== '') {
      // ids on this stream are `<execution>:<seq>`; there is no global order to resume from
      throw new HarmoniaError(
        'REQUEST_INVALID',
        'the all-events stream cannot resume; use /events/executions/:id with Last-Event-ID for one execution',
      );
    }
    let stop = (): void => undefined;
    const sink = openSse(request.koa, sseOptions(services, true), () => stop());
    const stopExecutions = streamAllEvents({ bus: services.engine.bus, sink });
    const stopPacks = streamPackEvents({
      events: services.pack_events,
      send: (event) => sink.sendNamed(event.event_type, packEventJson(event)),
      close: (reason) => sink.close(reason),
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
        'Stream every execution\'s events live as Server-Sent Events (`id:` is `<execution_id>:<seq>`), and pack events ' +
        '(`pack_synced`, `pack_validation_failed`, `pack_deleted`, `git_sync_failed`) as named events without an id.',
      query: [{ name: 'token', type: 'string', description: 'Bearer token, for browsers.' }],
      responses: { 200: { description: 'An event stream.', content_type: 'text/event-stream' } },
      handler: allStream,
    },
  ]);
}
