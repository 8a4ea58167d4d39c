import type { GlobalEventFeed } from './global-event-feed.js';
import type { AppServices } from './route.js';
import type { StreamHub } from './stream-hub.js';

/** The hub's all-events feed over the app's store and engine bus. */
export function globalFeedOf(hub: StreamHub, services: AppServices): GlobalEventFeed {
  return hub.feed({
    bus: services.engine.bus,
    readAfter: (position, limit) => services.store.executions.readEventsAfterPosition(position, limit),
    lastPosition: () => services.store.executions.lastEventPosition(),
    batch_ms: services.options.stream_batch_ms,
    onError: (error) => services.logger.error({ err: error }, 'all-events feed failed to read the store'),
  });
}
