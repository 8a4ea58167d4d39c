import { createCoordination, type Coordination } from './coordination.js';
import type { Pool } from 'pg';
import { HarmoniaError } from '../../core/errors.js';
import { SETTINGS } from '../../core/settings.js';
import type { LeaseRenewer, LeaseRenewerOptions, LeaseRepo, NodeLiveness, NodeLivenessOptions, Store, StoreSession } from '../store.js';
import { PostgresComponentRepo } from './component-repo.js';
import { PostgresExecutionRepo } from './execution-repo.js';
import { createPoolExecutor, createTransactionExecutor, inTransaction, type PgExecutor } from './executor.js';
import { PostgresLeaseRepo } from './leases.js';
import { holdNodeLiveness } from './node-liveness.js';
import { PatientPool } from './patient-pool.js';
import { startRenewalThread, type RenewalConnection } from './renewal-thread.js';
import { PostgresTriggerRepo } from './trigger-repo.js';
import { SCHEMA_NAME, migratePostgres } from './migrate-postgres.js';
import { withLeaderLock } from './try-leadership.js';
import { PostgresRegistryRepo } from './registry-repo.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Schema holding Harmonia's tables, created when missing; every connection's search_path. @default the server's search_path */
  schema?: string;
  /**
   * Connections for statements. The connections a node holds for as long as it runs (its
   * LISTENs, the leadership of a key, the liveness lock, lease renewals) are opened besides
   * them, never taken from this pool. @default 10
   */
  pool_size?: number;
  /**
   * Longest wait of a statement for a connection of the pool while all are in use (or for
   * a new one to open) before it fails with STORE_UNAVAILABLE. @default 30000
   */
  pool_wait_ms?: number;
  /** Shown in pg_stat_activity. @default 'harmonia' */
  application_name?: string;
  /** Told about errors of idle connections (the pool replaces them) and of refused connections it asks for again (database full or starting). @default ignored */
  on_error?: (error: Error) => void;
}

/** The PostgreSQL store, with what multi-node coordination needs beyond the Store interface. */
export interface PostgresStore extends Store {
  readonly backend: 'postgres';
  readonly leases: LeaseRepo;
  /** Channels, event notifications and leadership, for the cluster (coordination.ts). */
  readonly coordination: Coordination;
  /**
   * The same leases on a connection of their own, for renewals: a renewal must never wait
   * for a pooled connection behind the engine's statements, or a busy node's leases lapse.
   */
  readonly renewals: LeaseRepo;
  /**
   * Renews a node's leases from now on off the event loop, on a thread and connection of
   * its own (renewal-thread.ts). Without it a node renews through `renewals` from its loop.
   */
  startRenewer?(options: LeaseRenewerOptions): LeaseRenewer;
  /** Takes a node's liveness lock on a connection of its own (node-liveness.ts); closing the store releases it. */
  holdLiveness(options: NodeLivenessOptions): Promise<NodeLiveness>;
  /** The statement pool; only the store's own modules and tests use it. */
  readonly pool: Pool;
  /** The schema given at creation, or null for the server's search_path. */
  readonly schema: string | null;
}

function sessionFor(exec: PgExecutor, outside = false, lock?: <T>(key: string, fn: () => Promise<T>) => Promise<T>): Required<StoreSession> {
  return {
    registry: new PostgresRegistryRepo(exec),
    executions: new PostgresExecutionRepo(exec, { batch_reads: outside }),
    components: new PostgresComponentRepo(exec),
    triggers: new PostgresTriggerRepo(exec, lock),
    leases: new PostgresLeaseRepo(exec),
  };
}

function checkOptions(options: PostgresStoreOptions): void {
  if (!/^postgres(ql)?:\/\//i.test(options.url)) {
    throw new HarmoniaError('CONFIG_INVALID', "invalid postgres url; expected 'postgres://user:password@host:port/database'");
  }
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new HarmoniaError('CONFIG_INVALID', `invalid postgres schema '${options.schema}'; expected a lower-case identifier such as 'harmonia'`);
  }
  const size = options.pool_size;
  if (size !== undefined && (!Number.isInteger(size) || size < 1)) {
    throw new HarmoniaError('CONFIG_INVALID', `invalid pool size '${size}'; expected an integer of 1 or more`);
  }
  const wait = options.pool_wait_ms;
  if (wait !== undefined && (!Number.isInteger(wait) || wait < 1)) {
    throw new HarmoniaError('CONFIG_INVALID', `invalid pool wait '${wait}' ms; expected an integer of 1 or more`);
  }
}

/** The error of a statement that found every connection of the pool in use for `wait_ms`. */
function poolExhausted({ size, waiting, wait_ms, cause }: { size: number; waiting: number; wait_ms: number; cause: Error }): HarmoniaError {
  const others = waiting === 0 ? '' : `, and ${waiting} more ${waiting === 1 ? 'statement waits' : 'statements wait'}`;
  return new HarmoniaError(
    'STORE_UNAVAILABLE',
    `all ${size} connections of the postgres pool (${SETTINGS.pg_pool_size.env}=${size}) stayed in use for ${wait_ms} ms${others}; ` +
      `raise ${SETTINGS.pg_pool_size.env} (and the server's max_connections to match), or ${SETTINGS.pg_pool_wait_ms.env} if statements are only slow`,
    { cause, details: { pool_size: size, waiting, wait_ms } },
  );
}

/**
 * Takes a `?schema=NAME` parameter off the URL (the driver would pass it to the server)
 * as the schema, so one setting (HARMONIA_DB_URL) can name it.
 */
function withUrlSchema(options: PostgresStoreOptions): PostgresStoreOptions {
  if (!/[?&]schema=/.test(options.url)) return options;
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new HarmoniaError('CONFIG_INVALID', "invalid postgres url; expected 'postgres://user:password@host:port/database?schema=name'");
  }
  const fromUrl = url.searchParams.get('schema') ?? '';
  url.searchParams.delete('schema');
  if (options.schema !== undefined && options.schema !== fromUrl) {
    throw new HarmoniaError('CONFIG_INVALID', `postgres schema '${options.schema}' differs from '${fromUrl}' in the url; give it once`);
  }
  return { ...options, url: url.toString(), schema: fromUrl };
}

/**
 * Connects to PostgreSQL, brings the schema up to date (once, however many nodes start
 * together) and returns the store. Throws STORE_UNAVAILABLE when the server cannot be
 * reached and STORE_MIGRATION_FAILED when a migration fails.
 * @example
 * const store = await createPostgresStore({ url: 'postgres://harmonia@db/harmonia', schema: 'harmonia' });
 */
export async function createPostgresStore(given: PostgresStoreOptions): Promise<PostgresStore> {
  const options = withUrlSchema(given);
  checkOptions(options);
  const schema = options.schema ?? null;
  const waitMs = options.pool_wait_ms ?? SETTINGS.pg_pool_wait_ms.default;
  const pool = new PatientPool({
    connectionString: options.url,
    max: options.pool_size ?? SETTINGS.pg_pool_size.default,
    application_name: options.application_name ?? 'harmonia',
    // Set at connection start-up, so no statement ever runs against another schema.
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
    on_busy: (error) => options.on_error?.(error),
    wait_ms: waitMs,
    on_exhausted: poolExhausted,
  });
  // An idle connection dropped by the server emits 'error' on the pool; unheard, it would end the process.
  pool.on('error', (error) => options.on_error?.(error));
  // The connections held for as long as their holder runs: a LISTEN, the leadership of a key,
  // the lock of withLeaderLock. Taken from the statement pool, a node whose pool was no larger
  // than what it holds waited forever for its first statement. As many as the node's
  // configuration asks for (docs/operations.md, Sizing), so no bound that could do the same.
  const held = new PatientPool({
    connectionString: options.url,
    max: Number.POSITIVE_INFINITY,
    application_name: options.application_name ?? 'harmonia',
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
    on_busy: (error) => options.on_error?.(error),
    wait_ms: waitMs,
  });
  held.on('error', (error) => options.on_error?.(error));
  try {
    await migratePostgres(pool, schema);
  } catch (error) {
    await Promise.all([pool.end(), held.end()]).catch(() => undefined);
    throw error;
  }
  // Trigger locks on the held pool, as every lock held while its holder works (the statements it runs come from `pool`).
  const outside = sessionFor(createPoolExecutor(pool), true, (key, fn) => withLeaderLock(held, key, fn));
  // Connects on first use: only a cluster node renews.
  const renewalPool = new PatientPool({
    connectionString: options.url,
    max: 1,
    application_name: options.application_name ?? 'harmonia',
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
  });
  renewalPool.on('error', (error) => options.on_error?.(error));
  const connection: RenewalConnection = {
    url: options.url,
    application_name: options.application_name ?? 'harmonia',
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
  };
  const livenesses = new Set<NodeLiveness>();
  let closed: Promise<void> | null = null;
  return {
    backend: 'postgres',
    ...outside,
    renewals: new PostgresLeaseRepo(createPoolExecutor(renewalPool)),
    startRenewer: (renewerOptions) => startRenewalThread(connection, renewerOptions),
    holdLiveness: async (livenessOptions) => {
      const liveness = await holdNodeLiveness(connection, livenessOptions);
      livenesses.add(liveness);
      return {
        signal: liveness.signal,
        release: () => (livenesses.delete(liveness), liveness.release()),
      };
    },
    pool,
    coordination: createCoordination(pool, held),
    schema,
    transaction: (fn, txOptions) =>
      inTransaction(pool, async (client) => {
        const exec = createTransactionExecutor(client, { savepoints: txOptions?.all_or_nothing !== true });
        try {
          return await fn(sessionFor(exec));
        } finally {
          exec.end();
        }
      }),
    close: () =>
      (closed ??= Promise.all([pool.end(), held.end(), renewalPool.end(), ...[...livenesses].map((liveness) => liveness.release())]).then(() => undefined)),
  };
}
