/**
 * What every part of the engine shares: its resolved dependencies and the bookkeeping of
 * the executions it drives. The parts (launcher, scheduler, controls, recovery, ...) take
 * this one object instead of closing over createEngine's locals.
 */
import { renderValue } from '../expr/index.js';
import type { Store } from '../store/store.js';
import { createSystemClock, type Clock } from './clock.js';
import { resolveEngineConfig, type ResolvedEngineConfig } from './config.js';
import type { RenderFn } from './decide-context.js';
import type { EngineOptions, EngineOwnership } from './engine-api.js';
import { createEventBus, type EventBus } from './event-bus.js';
import type { ActionResolver, EngineLogger, ExecutionRunner } from './runner.js';
import { createWriteQueue, type WriteQueue } from './write-queue.js';

/** The engine's resolved dependencies and the mutable state of the executions it drives. */
export interface EngineContext {
  readonly store: Store;
  readonly config: ResolvedEngineConfig;
  readonly clock: Clock;
  readonly logger: EngineLogger;
  readonly render: RenderFn;
  readonly random: () => number;
  /** The allowlisted environment `${env.*}` reads. */
  readonly env: Record<string, string>;
  readonly bus: EventBus;
  readonly actions: ActionResolver;
  /** Set on a cluster node; undefined when the engine is alone on its store. */
  readonly ownership: EngineOwnership | undefined;
  readonly queue: WriteQueue;
  /** Executions driven here now, by id. */
  readonly runners: Map<string, ExecutionRunner>;
  /** Top-level executions counted against max_concurrent_workflows. */
  readonly limited: Set<string>;
  /** Pending executions waiting for a free slot, oldest first (single node only). */
  readonly waiting: string[];
  /** Set by stop(): nothing new starts or is adopted. */
  stopping: boolean;
}

const silent: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Resolves the engine options' defaults into a fresh context. */
export function createEngineContext(options: EngineOptions): EngineContext {
  const config = resolveEngineConfig(options.config);
  const clock = options.clock ?? createSystemClock();
  const logger = options.logger ?? silent;
  const env: Record<string, string> = {};
  for (const name of config.env_allowlist) {
    const value = options.env?.[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    store: options.store,
    config,
    clock,
    logger,
    render: options.render ?? ((value, scope) => renderValue(value, scope, { now: () => new Date(clock.now()) })),
    random: options.random ?? Math.random,
    env,
    bus: options.bus ?? createEventBus((error) => logger.warn('an event listener threw', { error: String(error) })),
    actions: options.actions,
    ownership: options.ownership,
    queue: createWriteQueue(options.store, undefined, options.ownership),
    runners: new Map(),
    limited: new Set(),
    waiting: [],
    stopping: false,
  };
}
