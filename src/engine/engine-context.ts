/**
 * What every part of the engine shares: its resolved dependencies and the bookkeeping of
 * the executions it drives. The parts (launcher, scheduler, controls, recovery, ...) take
 * this one object instead of closing over createEngine's locals.
 */
import { createSecretMasker, type SecretMasker } from '../core/secret-masker.js';
import { isSecretKey } from '../core/secret-text.js';
import { renderValue } from '../expr/index.js';
import type { Store } from '../store/store.js';
import { createSystemClock, type Clock } from './clock.js';
import { resolveEngineConfig, type ResolvedEngineConfig } from './config.js';
import type { RenderFn } from './decide-context.js';
import type { EngineOptions, EngineOwnership } from './engine-api.js';
import { createEventBus, type EventBus } from './event-bus.js';
import { createMaskedStore } from './masked-store.js';
import { createSecretInputs, type SecretInputs } from './secret-inputs.js';
import type { ActionResolver, EngineLogger, ExecutionRunner } from './runner.js';
import { createTaskLogWriter, type TaskLogWriter } from './task-log.js';
import { createWriteQueue, type WriteQueue } from './write-queue.js';

/** The engine's resolved dependencies and the mutable state of the executions it drives. */
export interface EngineContext {
  /** The store, with every execution write masked by `secrets`. */
  readonly store: Store;
  /** The secrets known to this engine: masked in everything it stores or publishes. */
  readonly secrets: SecretMasker;
  /** The real values of recent executions' secret inputs (stored masked). */
  readonly secretInputs: SecretInputs;
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
  /**
   * Cluster: runners given up (lease lost, write failed) whose last writes may still be in
   * the queue, by execution: the execution is not carried on here again until they settle.
   */
  readonly leaving: Map<string, Promise<void>>;
  /** Set by stop(): nothing new starts or is adopted. */
  stopping: boolean;
  /** Where task log lines go (batched to the store, then to live followers). */
  readonly logs: TaskLogWriter;
}

const silent: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Resolves the engine options' defaults into a fresh context. */
export function createEngineContext(options: EngineOptions): EngineContext {
  const config = resolveEngineConfig(options.config);
  const clock = options.clock ?? createSystemClock();
  const logger = options.logger ?? silent;
  const env: Record<string, string> = {};
  const secrets = options.secrets ?? createSecretMasker();
  const secretEnv = new Set(config.secret_env);
  for (const name of config.env_allowlist) {
    const value = options.env?.[name];
    if (value === undefined) continue;
    env[name] = value;
    if (secretEnv.has(name) || isSecretKey(name)) secrets.add([value]);
  }
  const store = createMaskedStore(options.store, secrets);
  const logs = createTaskLogWriter({
    store,
    clock,
    max_bytes_per_attempt: config.limits.max_log_bytes_per_attempt,
    mask: (text) => secrets.maskText(text),
    onError: (error) => logger.warn('could not store task log lines', { error: String(error) }),
  });
  return {
    logs,
    store,
    secrets,
    secretInputs: createSecretInputs(),
    config,
    clock,
    logger,
    render: options.render ?? ((value, scope) => renderValue(value, scope, { now: () => new Date(clock.now()) })),
    random: options.random ?? Math.random,
    env,
    bus: options.bus ?? createEventBus((error) => logger.warn('an event listener threw', { error: String(error) })),
    actions: options.actions,
    ownership: options.ownership,
    queue: createWriteQueue(store, undefined, options.ownership),
    runners: new Map(),
    limited: new Set(),
    waiting: [],
    leaving: new Map(),
    stopping: false,
  };
}
