/**
 * The engine's write path through the secret masker: every execution row, event,
 * checkpoint and saved state is masked before it is stored, so the database never holds
 * a known secret. The engine keeps real values only in memory, where tasks need them.
 *
 * Events are masked in place (their `data` replaced by its masked form, never edited): the
 * bus publishes the same objects after the commit, so streams and every other subscriber
 * see what was stored. The masked form shares what holds nothing to mask with the real
 * data the state was folded from, so neither may be edited (nothing does).
 */
import type { ExecutionEvent, ExecutionRecord } from '../core/model.js';
import type { SecretMasker } from '../core/secret-masker.js';
import type { ExecutionRepo, Store, StoreSession } from '../store/store.js';

type Patch = Parameters<ExecutionRepo['updateExecution']>[1];

function maskPatch(masker: SecretMasker, patch: Patch): Patch {
  // Most steps patch only updated_at and last_seq: nothing to mask, nothing to copy.
  if (patch.output === undefined && patch.error === undefined) return patch;
  const out = { ...patch };
  if (out.output !== undefined) out.output = masker.maskValue(out.output);
  if (out.error !== undefined) out.error = masker.maskValue(out.error);
  return out;
}

function maskEvents(masker: SecretMasker, events: readonly ExecutionEvent[]): void {
  // Learn first: a credential sent by one event (a task's `authorization` header) is masked
  // in every event of the batch, its echo in the response included.
  // Indexed loops: no iterator result per event in code V8 has not optimised (yet, or again).
  for (let index = 0; index < events.length; index += 1) masker.learn((events[index] as ExecutionEvent).data);
  // Shared, not copied, where nothing is masked: the engine never edits an event's data.
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index] as ExecutionEvent;
    event.data = masker.maskShared(event.data);
  }
}

function maskedExecutions(repo: ExecutionRepo, masker: SecretMasker): ExecutionRepo {
  const wrapped: ExecutionRepo = Object.create(repo) as ExecutionRepo;
  wrapped.createExecution = (record: ExecutionRecord) =>
    repo.createExecution({ ...record, input: masker.maskValue(record.input), output: masker.maskValue(record.output), error: masker.maskValue(record.error) });
  wrapped.updateExecution = (id, patch) => repo.updateExecution(id, maskPatch(masker, patch));
  if (repo.updateExecutions) {
    const many = repo.updateExecutions.bind(repo);
    wrapped.updateExecutions = (updates) => many(updates.map(({ id, patch }) => ({ id, patch: maskPatch(masker, patch) })));
  }
  if (repo.commitSteps) {
    const commit = repo.commitSteps.bind(repo);
    wrapped.commitSteps = (steps) => {
      maskEvents(masker, steps.events);
      return commit({ ...steps, updates: steps.updates.map(({ id, patch }) => ({ id, patch: maskPatch(masker, patch) })) });
    };
  }
  wrapped.appendEvents = (events) => {
    maskEvents(masker, events);
    return repo.appendEvents(events);
  };
  wrapped.saveCheckpoint = (record) => repo.saveCheckpoint({ ...record, snapshot: masker.maskValue(record.snapshot) });
  wrapped.saveState = (id, state) => repo.saveState(id, masker.maskValue(state));
  wrapped.appendLogs = (lines) => repo.appendLogs(lines.map((line) => ({ ...line, line: masker.maskText(line.line) })));
  return wrapped;
}

// A store that hands the same session to every transaction (SQLite) gets one wrapper, built once.
const sessions = new WeakMap<SecretMasker, WeakMap<StoreSession, StoreSession>>();

function maskedSession<T extends StoreSession>(session: T, masker: SecretMasker): T {
  let cache = sessions.get(masker);
  if (!cache) {
    cache = new WeakMap();
    sessions.set(masker, cache);
  }
  const known = cache.get(session);
  if (known) return known as T;
  const wrapped = Object.create(session) as T & { executions: ExecutionRepo };
  Object.defineProperty(wrapped, 'executions', { value: maskedExecutions(session.executions, masker), enumerable: true });
  cache.set(session, wrapped);
  return wrapped;
}

/**
 * The store as the engine writes through it: the same store, with execution writes
 * (in transactions too) masked by `masker`. Reads are unchanged.
 */
export function createMaskedStore(store: Store, masker: SecretMasker): Store {
  const wrapped = maskedSession(store, masker);
  Object.defineProperty(wrapped, 'transaction', {
    value: <T>(fn: (tx: StoreSession) => Promise<T>, options?: Parameters<Store['transaction']>[1]) =>
      store.transaction((tx) => fn(maskedSession(tx, masker)), options),
  });
  return wrapped;
}
