/**
 * The storage interface. Two backends implement it: SQLite (embedded default,
 * src/store/sqlite) and PostgreSQL (several nodes, src/store/postgres). Every
 * method is async so both fit; every write that must be atomic with others runs
 * inside `transaction()`.
 */
import type {
  CheckpointRecord,
  ComponentRecord,
  DefinitionBody,
  DefinitionHead,
  DefinitionKind,
  DefinitionOrigin,
  DefinitionRecord,
  RunnableDefinition,
  ExecutionEvent,
  ExecutionRecord,
  ExecutionSort,
  ExecutionStatus,
  FinishedStatus,
  PackManifest,
  PackRecord,
} from '../core/model.js';
import type { TriggerRepo } from './trigger-repo.js';

export interface Page {
  limit?: number;
  offset?: number;
}

export interface DefinitionQuery extends Page {
  kind: DefinitionKind;
  pack_ref?: string;
  /** Substring of the ref, name or description. */
  text?: string;
  /** Include refs whose file was pruned. @default false */
  include_deleted?: boolean;
}

export interface NewDefinitionVersion {
  kind: DefinitionKind;
  ref: string;
  pack_ref: string;
  content_hash: string;
  body: DefinitionBody;
  source: string;
  file: string;
  origin: DefinitionOrigin;
  /**
   * The writer planned the ref's first version: thrown STORE_CONFLICT when the ref has one
   * by now (another writer, on this node or another, created it meanwhile), rather than
   * making this a later version of what the other wrote. @default false
   */
  first?: boolean;
}

/** One file of a definition version (a pack action's script), addressed by its content. */
export interface DefinitionFile {
  /** Path inside the pack, e.g. `actions/build.sh`. */
  path: string;
  /** sha256 of the content, lower-case hex. */
  sha256: string;
  size: number;
}

/** A file to register with a version: its path, content and the sha256 of the content. */
export interface NewDefinitionFile {
  path: string;
  sha256: string;
  content: Uint8Array;
}

/** Packs and the versioned definitions in them. */
export interface RegistryRepo {
  upsertPack(manifest: PackManifest): Promise<PackRecord>;
  /** Registers a new pack; null when one with that ref exists (atomic: of two racing inserts one wins). */
  insertPack(manifest: PackManifest): Promise<PackRecord | null>;
  getPack(ref: string): Promise<PackRecord | null>;
  listPacks(): Promise<PackRecord[]>;
  /** Removes the pack row and marks all its definitions deleted (versions are kept). */
  deletePack(ref: string): Promise<boolean>;

  /**
   * Adds version N+1 of a ref and makes it active (unless the ref is pinned).
   * Clears `deleted_at`. The caller checks the hash first for idempotency.
   */
  addVersion(input: NewDefinitionVersion): Promise<DefinitionRecord>;
  getHead(kind: DefinitionKind, ref: string): Promise<DefinitionHead | null>;
  /** The active version of a ref (null when unknown or pruned). */
  getActive(kind: DefinitionKind, ref: string): Promise<DefinitionRecord | null>;
  getVersion(kind: DefinitionKind, ref: string, version: number): Promise<DefinitionRecord | null>;
  getById(id: string): Promise<DefinitionRecord | null>;
  /** A version without its `source`, for starting an execution (a cold start reads no YAML). */
  getRunnable(kind: DefinitionKind, ref: string, version: number): Promise<RunnableDefinition | null>;
  /** A version by id without its `source`. */
  getRunnableById(id: string): Promise<RunnableDefinition | null>;
  /** Every version of a ref, oldest first. */
  listVersions(kind: DefinitionKind, ref: string): Promise<DefinitionRecord[]>;
  /** Active versions, ordered by ref. */
  listActive(query: DefinitionQuery): Promise<{ items: DefinitionRecord[]; total: number }>;
  countByPack(kind: DefinitionKind, pack_ref: string): Promise<number>;
  /** The heads of several refs of one kind in one read (a listing's page), by ref; unknown refs are absent. */
  getHeads(kind: DefinitionKind, refs: readonly string[]): Promise<Map<string, DefinitionHead>>;
  /** Live (not pruned) definitions of every pack by kind, in one read: pack ref → kind → count. */
  countDefinitionsByPack(): Promise<Map<string, Record<DefinitionKind, number>>>;
  /** Marks a ref pruned (file deleted from its pack). Versions stay for running executions. */
  markDeleted(kind: DefinitionKind, ref: string): Promise<void>;
  /** Makes `version` active and sets the pin flag (rollback) or clears it (unpin). */
  setActive(kind: DefinitionKind, ref: string, version: number, pinned: boolean): Promise<void>;
  /** Deletes one version's row (purge); refuses the active one. */
  purgeVersion(kind: DefinitionKind, ref: string, version: number): Promise<boolean>;

  /**
   * Registers the files of a version (a pack action's scripts). Contents are stored once
   * per sha256, however many versions share them; a version's file list is written once.
   */
  addFiles(definitionId: string, files: readonly NewDefinitionFile[]): Promise<void>;
  /** The files registered with a version, by path; empty when it has none. */
  listFiles(definitionId: string): Promise<DefinitionFile[]>;
  /** A stored file's content by its sha256; null when no version registered it. */
  readFile(sha256: string): Promise<Uint8Array | null>;
}

export interface ExecutionQuery extends Page {
  status?: ExecutionStatus;
  workflow_ref?: string;
  /** Only executions created at or after this ISO time (as `Date.toISOString()` writes it). */
  created_since?: string;
  /** Only executions created before this ISO time (as `Date.toISOString()` writes it). */
  created_until?: string;
  /** Only executions whose id starts with this text or whose workflow ref contains it (ASCII case folded). */
  text?: string;
  /** Only executions finished at or after this ISO time (unfinished ones never match). */
  finished_since?: string;
  /** Only executions finished before this ISO time (unfinished ones never match). */
  finished_until?: string;
  /** @default '-created_at' (newest first) */
  sort?: ExecutionSort;
}

/** Executions: a listing row each, their append-only events, checkpoints and custom state. */
/** What ExecutionRepo.commitSteps writes. */
export interface CommitSteps {
  events: readonly ExecutionEvent[];
  updates: ReadonlyArray<{ id: string; patch: Partial<Pick<ExecutionRecord, 'status' | 'output' | 'error' | 'updated_at' | 'finished_at' | 'last_seq'>> }>;
  /** Leases that must still hold these tokens. */
  fenced: ReadonlyArray<{ execution_id: string; token: number }>;
  /** Leases given up by this commit (the executions it finishes). */
  released: ReadonlyArray<{ execution_id: string; token: number }>;
}

export interface ExecutionRepo {
  createExecution(record: ExecutionRecord): Promise<void>;
  getExecution(id: string): Promise<ExecutionRecord | null>;
  listExecutions(query: ExecutionQuery): Promise<{ items: ExecutionRecord[]; total: number }>;
  /**
   * A number that moves whenever execution `id`'s row or events may have changed, read
   * without reading them (the same number = nothing moved since). Optional: a backend
   * that cannot tell without reading (PostgreSQL, where other nodes write) has none.
   */
  changeMark?(id: string): Promise<number>;
  /**
   * changeMark without a promise: undefined when it cannot be read at once (SQLite: a
   * transaction is open on the connection), and the caller asks changeMark.
   */
  changeMarkNow?(id: string): number | undefined;
  /** Executions not yet completed, failed or canceled, oldest first (crash recovery). */
  listUnfinished(): Promise<ExecutionRecord[]>;
  /** How many executions descend from `rootId` through parent_execution_id (children, their children, ...). */
  countDescendants(rootId: string): Promise<number>;
  updateExecution(
    id: string,
    patch: Partial<Pick<ExecutionRecord, 'status' | 'output' | 'error' | 'updated_at' | 'finished_at' | 'last_seq'>>,
  ): Promise<void>;
  /**
   * Several updateExecution calls in one statement (backends with costly round trips);
   * throws EXEC_NOT_FOUND naming an id that does not exist. Optional: callers fall back
   * to updateExecution.
   */
  updateExecutions?(
    updates: ReadonlyArray<{ id: string; patch: Partial<Pick<ExecutionRecord, 'status' | 'output' | 'error' | 'updated_at' | 'finished_at' | 'last_seq'>> }>,
  ): Promise<void>;
  /**
   * One group commit of the engine as one atomic write: one statement on PostgreSQL (each
   * round trip is costly), one synchronous transaction on SQLite (no promise per statement).
   * Checks that every `fenced` lease still has its token, under the same locks as
   * LeaseRepo.assertLeases, and only then appends the events, applies the updates and
   * deletes the `released` leases (SQLite holds no leases: it refuses a commit naming any).
   * Throws STORE_CONFLICT (a stale lease, an event that exists) or EXEC_NOT_FOUND with
   * nothing written. Optional: callers fall back to a transaction.
   */
  commitSteps?(steps: CommitSteps): Promise<void>;
  /**
   * Appends events. Throws STORE_CONFLICT when a (execution_id, seq) already exists,
   * so two writers can never both extend one history.
   */
  appendEvents(events: readonly ExecutionEvent[]): Promise<void>;
  /** Events with seq > afterSeq, in seq order. */
  readEvents(executionId: string, afterSeq?: number, limit?: number): Promise<ExecutionEvent[]>;
  /**
   * Every execution's events with a global position above `afterPosition`, in position
   * order, each with its `position` set: the cursor of the all-events streams. Positions
   * are committed in increasing order and never given twice (not even after the events
   * holding them are deleted), so nothing new ever appears below one already read.
   */
  readEventsAfterPosition(afterPosition: number, limit: number): Promise<ExecutionEvent[]>;
  /**
   * Where a reader of events committed from now on starts: the position of the latest
   * stored event (SQLite: or of a deleted one above it, highestEventPosition); 0 when there
   * is none. Never above a position an uncommitted append holds.
   */
  lastEventPosition(): Promise<number>;
  /**
   * The highest position the store has given an event, whether the event is still stored
   * or was deleted since (on PostgreSQL, also one drawn by an append not yet committed or
   * rolled back); 0 before the first. Every new event is numbered above it, so a cursor at
   * or below it is one a stream may have sent, and one above it names no event.
   */
  highestEventPosition(): Promise<number>;

  saveCheckpoint(record: CheckpointRecord): Promise<void>;
  getCheckpoint(id: string): Promise<CheckpointRecord | null>;
  listCheckpoints(executionId: string): Promise<CheckpointRecord[]>;

  saveState(executionId: string, state: Record<string, unknown>): Promise<void>;
  loadState(executionId: string): Promise<Record<string, unknown>>;

  /**
   * Appends task log lines (apart from the event history) and returns them with their
   * `seq`: increasing in append order, the cursor readers resume from. Deleted with their
   * execution.
   */
  appendLogs(lines: readonly TaskLogLine[]): Promise<StoredTaskLogLine[]>;
  /** An execution's log lines with seq > `after`, in seq order, filtered by task, attempt and stream. */
  readLogs(executionId: string, query: TaskLogQuery): Promise<StoredTaskLogLine[]>;
  /**
   * The seq of the execution's latest log line; 0 when it has none (or there is no such
   * execution). Seqs are numbered across executions, so this is the head of its own log.
   */
  lastLogSeq(executionId: string): Promise<number>;

  /**
   * One batch of retention: looks at up to `limit` finished executions in (finished_at, id)
   * order after `after`, and deletes each root among them (no parent, or its parent gone)
   * whose status is in `statuses` and that finished before `finished_before`, together with
   * every execution descending from it and their events, checkpoints, state, task logs (and
   * leases), in one transaction. A root with an unfinished descendant is kept. Sub-workflows
   * are never deleted apart from their root. With `dry_run`, chooses and deletes nothing.
   */
  purgeFinished(query: PurgeQuery): Promise<PurgeBatch>;
}

/** Where a purge's scan stands: the last execution it looked at. */
export interface PurgeCursor {
  finished_at: string;
  id: string;
}

export interface PurgeQuery {
  /** ISO time: only roots that finished before it. */
  finished_before: string;
  statuses: readonly FinishedStatus[];
  /** Finished executions looked at by this batch, at most (roots and sub-workflows alike). */
  limit: number;
  /** Resume after this execution; null: from the oldest. */
  after: PurgeCursor | null;
  dry_run: boolean;
}

/** A root execution a purge deleted (or would delete), with its sub-workflows. */
export interface PurgedTree {
  id: string;
  workflow_ref: string;
  status: FinishedStatus;
  finished_at: string;
  /** Sub-workflow executions deleted with it, at every depth. */
  descendants: number;
  /** Events of the root and its descendants. */
  events: number;
}

export interface PurgeBatch {
  trees: PurgedTree[];
  /** Every execution id deleted (roots and descendants), for caches to drop. Empty on a dry run. */
  deleted_ids: string[];
  /** Old enough roots kept because a descendant has not finished. */
  kept_unfinished: number;
  /** Where the next batch starts; null when this one reached the end of what may be purged. */
  next: PurgeCursor | null;
}

/** One line a task printed (or the engine noted about it). */
export interface TaskLogLine {
  execution_id: string;
  task_id: string;
  /** Set for an item of a fan-out. */
  item_index?: number;
  attempt: number;
  stream: 'stdout' | 'stderr' | 'system';
  /** ISO time the line was printed. */
  at: string;
  line: string;
}

export interface StoredTaskLogLine extends TaskLogLine {
  seq: number;
}

export interface TaskLogQuery {
  task_id?: string;
  attempt?: number;
  stream?: TaskLogLine['stream'];
  /** Only lines with a larger seq. @default 0 */
  after?: number;
  /**
   * Only lines with this seq or a smaller one: a follower reads up to the head it saw, so
   * once a filtered read comes back short it can move its cursor to that head rather than
   * scan the same unmatched lines again at its next look. @default no bound
   */
  through?: number;
  limit: number;
}

/** Remote components that serve actions over HTTP. */
export interface ComponentRepo {
  upsertComponent(record: ComponentRecord): Promise<void>;
  getComponent(idOrName: string): Promise<ComponentRecord | null>;
  listComponents(): Promise<ComponentRecord[]>;
  heartbeat(id: string, at: string): Promise<boolean>;
  deleteComponent(id: string): Promise<boolean>;
}

/** An execution held by one node; only the holder of the current token may extend its history. */
export interface ExecutionLease {
  execution_id: string;
  node_id: string;
  /** Fencing token: drawn afresh on every claim, larger than every token before it. */
  token: number;
  /** ISO time, by the database's clock, after which another node may claim the execution. */
  expires_at: string;
}

/** A node of a cluster as its heartbeats left it, for operators. Times are ISO, by the database's clock. */
export interface NodeLease {
  node_id: string;
  started_at: string;
  heartbeat_at: string;
  /** After this the node counts as gone and others take its executions over. */
  expires_at: string;
  /** Whether expires_at is still ahead (by the database's clock) and, for a node that holds a liveness lock, that lock is held. */
  alive: boolean;
  /** Executions whose lease it holds now. */
  executions: number;
}

/**
 * Execution leases for several nodes sharing one PostgreSQL database. The embedded
 * SQLite store is one node and has none. Times are the database's clock, so node clock
 * skew does not matter; the token, not the expiry, is what fences writes.
 */
/** What a lease renewer reports to the node that started it. */
export interface LeaseRenewerOptions {
  node_id: string;
  lease_ms: number;
  heartbeat_ms: number;
  /** With no answer to its pings for this long, the renewer stops renewing until one comes. */
  watchdog_ms: number;
  /** A renewal's answer (as LeaseRepo.renewLeases returns it); `started_at` is when it went out, in epoch milliseconds. */
  on_renewed(leases: ExecutionLease[], started_at: number): void;
  on_failed(error: string): void;
  /** The watchdog stopped renewals: nothing answered the pings for watchdog_ms. */
  on_wedged(): void;
  /** The thread ended by itself (it failed): renewing is the caller's again. */
  on_ended(error: string): void;
}

/** Renewals running off the node's event loop (PostgreSQL: a worker thread with its own connection). */
export interface LeaseRenewer {
  stop(): Promise<void>;
}

/** How a node takes its liveness lock. */
export interface NodeLivenessOptions {
  node_id: string;
  /** How long to wait for the lock while another session holds it (a previous process of the same id not yet gone); 0: not at all. */
  wait_ms: number;
  /** Time between pings of the lock's connection. */
  ping_ms: number;
  /** A ping unanswered this long means the connection is gone (a middlebox dropped the idle flow): the lock counts as lost. */
  ping_timeout_ms: number;
}

/**
 * A node's liveness lock (PostgreSQL: a session advisory lock, node-liveness.ts): while it
 * is held the node's unexpired leases are its own; once it is free, peers take them.
 */
export interface NodeLiveness {
  /** Aborted when the lock is lost (its connection ended): peers may take this node's executions now. */
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

export interface LeaseRepo {
  /**
   * Claims up to `limit` unfinished executions whose lease is free or expired, oldest
   * first, each with a new token; rows another node is claiming or writing are skipped.
   */
  claimExecutions(nodeId: string, limit: number, leaseMs: number): Promise<ExecutionLease[]>;
  /**
   * Claims one execution when its lease is free or expired (null otherwise). In the
   * transaction that creates an execution, it makes the creating node its owner.
   */
  claimExecution(nodeId: string, executionId: string, leaseMs: number): Promise<ExecutionLease | null>;
  /**
   * Extends every lease `nodeId` holds by `leaseMs` and returns them all. A lease missing
   * from the answer was taken over; one being written at that instant keeps its old expiry
   * until the next renewal.
   */
  renewLeases(nodeId: string, leaseMs: number): Promise<ExecutionLease[]>;
  /** Gives one execution back (finished, or handed back); false when `token` no longer holds it. */
  releaseLease(executionId: string, token: number): Promise<boolean>;
  /** releaseLease for many executions in one statement; returns how many were still held by their token. */
  releaseLeases?(leases: ReadonlyArray<{ execution_id: string; token: number }>): Promise<number>;
  /** Gives back every lease of a node that is shutting down, so others claim them at once; returns how many. */
  releaseNode(nodeId: string): Promise<number>;
  getLease(executionId: string): Promise<ExecutionLease | null>;
  /**
   * Call inside the transaction that appends an execution's events: throws STORE_CONFLICT
   * ('stale lease') unless `token` is the current one, and locks the lease so no takeover
   * can commit before this transaction does.
   */
  assertLease(executionId: string, token: number): Promise<void>;
  /**
   * Every node that has claimed or renewed and not shut down cleanly, alive ones first,
   * then by node id. A node that died stays listed, not alive, until it next starts.
   */
  listNodes(): Promise<NodeLease[]>;
  /** assertLease for many executions in one statement; throws for the first stale one. */
  assertLeases?(leases: ReadonlyArray<{ execution_id: string; token: number }>): Promise<void>;
}

export interface TransactionOptions {
  /**
   * The caller never goes on after a failed write inside the transaction, so a backend
   * may skip the per-write savepoint that would keep it usable (PostgreSQL: fewer round
   * trips). @default false
   */
  all_or_nothing?: boolean;
  /**
   * Other work waits to run while this commit syncs (the API's starts: requests to read,
   * other executions' steps): a backend that can sync its log off the event loop (SQLite,
   * src/store/sqlite/wal-sync.ts) does so for this transaction, which then resolves once the
   * fsync returned on libuv's thread pool. Durable either way when it resolves; without it the
   * sync stays inside COMMIT, which costs no thread hop (a chain of steps, each waiting for
   * its own commit, has nothing to overlap). @default false
   */
  sync_off_loop?: boolean;
}

/** What a transaction sees: the same repositories, bound to one transaction. */
export interface StoreSession {
  readonly registry: RegistryRepo;
  readonly executions: ExecutionRepo;
  readonly components: ComponentRepo;
  /** Schedule fires and trigger state (src/triggers). */
  readonly triggers: TriggerRepo;
  /** Present on backends that share work between nodes (PostgreSQL). */
  readonly leases?: LeaseRepo;
}

export interface Store extends StoreSession {
  readonly backend: 'sqlite' | 'postgres';
  /** Runs `fn` in one transaction: all its writes land together or not at all. */
  transaction<T>(fn: (tx: StoreSession) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /**
   * Resolves once every commit this store has made is on disk. Reads may see a commit whose
   * fsync is still under way (`TransactionOptions.sync_off_loop`); a caller that answers a
   * client from such a read as though it were acknowledged (an idempotent replay) waits for
   * this first. Absent where every commit is durable when it returns (PostgreSQL).
   */
  durable?(): Promise<void>;
  /**
   * Claims the data for one engine (SQLite: the only engine on this database until close;
   * PostgreSQL shares it between nodes by leases, so this is a no-op there).
   * Thrown when another live engine holds it: STORE_LOCKED naming that process.
   */
  claimEngine?(holder: { pid: number; command: string }): void;
  close(): Promise<void>;
}
