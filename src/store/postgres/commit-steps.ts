/**
 * The engine's group commit on PostgreSQL as one statement: the fence check, the events,
 * the execution rows and the released leases in one round trip, atomic as a statement
 * is, instead of BEGIN, three or four statements and COMMIT. Data-modifying CTEs run on
 * one snapshot; every write is gated on `go`, so a stale lease writes nothing.
 */
import { HarmoniaError } from '../../core/errors.js';
import type { CommitSteps } from '../store.js';
import type { PgExecutor } from './executor.js';
import { staleLease } from './leases.js';
import { eventsJson } from './events-json.js';
import { appendConflict, missingExecution, pgCode } from './pg-errors.js';
import { arrayLiteral } from './array-literal.js';
import { patchColumns } from './patch-columns.js';

// Lock order as in assertLeases then appendEvents: the executions rows (in id order), the
// lease rows (FOR KEY SHARE, so renewals still extend them: see leases.ts), then the
// advisory lock that orders event positions, held to commit. The rows locked include those
// of every execution with events ($16) or an update ($4): a missing one writes nothing and
// is named (the check a foreign key made per event before migration 9, made once per
// execution; an update of a missing row used to be found only after the events were in).
// The events arrive as one JSON array ($3), split by the server and zipped with their keys
// ($17, $18): a json[] parameter cost the node an escaping pass over every event and the
// server an array parse before the JSON one; keys read out of each event's JSON (->>) cost
// the server a parse of the event per key. An event's execution goes as its place in $16
// ($17, from 1): its id, quoted, was 39 of the ~285 bytes an event cost to send, and the
// driver's escaping pass over 20,000 strings per 10,000 tasks.
// The inserts and deletes return nothing: a data-modifying CTE runs to completion whether or
// not it is read, and RETURNING kept a row per event in a tuplestore nobody read (~0.6–1 µs
// of the server's ~8–9 per event; bench figures in docs/performance.md, h-pg3).
const COMMIT_STEPS = `
  WITH locked AS (SELECT id FROM executions WHERE id = ANY($1::text[] || $16::text[] || $4::text[]) ORDER BY id FOR NO KEY UPDATE),
  held AS (
    SELECT execution_id, token, node_id FROM execution_leases
    WHERE execution_id = ANY($1::text[]) AND (SELECT count(*) FROM locked) >= 0
    ORDER BY execution_id FOR KEY SHARE),
  stale AS (
    SELECT w.execution_id, w.token AS wanted, h.token, h.node_id
    FROM unnest($1::text[], $2::bigint[]) AS w(execution_id, token)
    LEFT JOIN held h ON h.execution_id = w.execution_id
    WHERE h.token IS DISTINCT FROM w.token),
  missing AS (SELECT m.id FROM unnest($16::text[] || $4::text[]) AS m(id) WHERE m.id NOT IN (SELECT id FROM locked)),
  go AS (SELECT NOT EXISTS (SELECT 1 FROM stale) AND NOT EXISTS (SELECT 1 FROM missing) AS ok),
  appending AS (SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.execution_events')) FROM go WHERE go.ok),
  inserted AS (
    INSERT INTO execution_events (execution_id, seq, event)
    SELECT ($16::text[])[e.execution], e.seq, e.event
    FROM appending, ROWS FROM (unnest($17::int[]), unnest($18::bigint[]), json_array_elements($3::json)) WITH ORDINALITY AS e(execution, seq, event, n)
    ORDER BY e.n),
  updated AS (
    UPDATE executions e SET
      status = COALESCE(u.status, e.status),
      output = CASE WHEN u.set_output THEN u.output::json ELSE e.output END,
      error = CASE WHEN u.set_error THEN u.error::json ELSE e.error END,
      updated_at = COALESCE(u.updated_at, e.updated_at),
      finished_at = CASE WHEN u.set_finished THEN u.finished_at ELSE e.finished_at END,
      last_seq = COALESCE(u.last_seq, e.last_seq)
    FROM go, unnest($4::text[], $5::text[], $6::bool[], $7::text[], $8::bool[], $9::text[], $10::text[], $11::bool[], $12::text[], $13::bigint[])
      AS u(id, status, set_output, output, set_error, error, updated_at, set_finished, finished_at, last_seq)
    WHERE go.ok AND e.id = u.id
    RETURNING e.id),
  released AS (
    DELETE FROM execution_leases l USING go, unnest($14::text[], $15::bigint[]) AS r(execution_id, token)
    WHERE go.ok AND l.execution_id = r.execution_id AND l.token = r.token)
  SELECT execution_id, wanted, token, node_id, NULL::text AS missing_id, NULL::int AS updated FROM stale
  UNION ALL SELECT NULL, NULL, NULL, NULL, id, NULL FROM missing
  UNION ALL SELECT NULL, NULL, NULL, NULL, NULL, count(*)::int FROM updated`;

interface Row {
  execution_id: string | null;
  wanted: string | null;
  token: string | null;
  node_id: string | null;
  missing_id: string | null;
  /** Set on the one row that counts the updated executions (a row each cost the driver a parse per update). */
  updated: number | null;
}

/** Runs CommitSteps (see ExecutionRepo.commitSteps) through `exec`. */
export function commitSteps(exec: PgExecutor, steps: CommitSteps): Promise<void> {
  const { events, updates, fenced, released } = steps;
  const executions = placesOf(events);
  // Array parameters go as literals (see arrayLiteral): the driver's per-element formatting
  // cost the node more than anything in a commit but the events' JSON.
  const params = [
    arrayLiteral(fenced.map((lease) => lease.execution_id)),
    arrayLiteral(fenced.map((lease) => lease.token)),
    eventsJson(events),
    ...patchColumns(updates),
    arrayLiteral(released.map((lease) => lease.execution_id)),
    arrayLiteral(released.map((lease) => lease.token)),
    arrayLiteral(executions.ids),
    arrayLiteral(executions.places),
    arrayLiteral(events.map((event) => event.seq)),
  ];
  return exec.write(async (query) => {
    let rows: Row[];
    try {
      rows = await query<Row>(COMMIT_STEPS, params);
    } catch (error) {
      const code = pgCode(error);
      if (code !== '23505' && code !== '23503') throw error;
      throw appendConflict(error, events);
    }
    const stale = rows.find((row) => row.execution_id !== null);
    if (stale) throw staleLease(stale.execution_id as string, Number(stale.wanted), stale);
    const missing = rows.find((row) => row.missing_id !== null)?.missing_id ?? null;
    if (missing !== null) {
      // As appendEvents and updateExecution name them: events of a missing execution conflict, an update finds nothing.
      if (executions.ids.includes(missing)) throw missingExecution(missing);
      throw new HarmoniaError('EXEC_NOT_FOUND', `execution '${missing}' does not exist`);
    }
    const updated = rows.find((row) => row.updated !== null)?.updated ?? 0;
    if (updated === updates.length) return;
    // Unreachable: a missing execution is found before anything is written (`missing`),
    // and the write queue sends one update per execution.
    throw new HarmoniaError('EXEC_NOT_FOUND', `${updates.length - updated} of the commit's ${updates.length} execution updates found no execution`);
  });
}

/** The distinct executions of the events, and each event's place among them (from 1, as SQL arrays count). */
function placesOf(events: CommitSteps['events']): { ids: string[]; places: number[] } {
  const ids: string[] = [];
  const place = new Map<string, number>();
  const places = events.map(({ execution_id: id }) => {
    let at = place.get(id);
    if (at === undefined) {
      at = ids.push(id);
      place.set(id, at);
    }
    return at;
  });
  return { ids, places };
}

