/**
 * A write token's verbs on one schedule: pause (with a note) or resume, trigger now, and
 * backfill a time range. Each reports what the server did; errors keep their code.
 */
import { useState } from 'preact/hooks';
import type { BackfillResult, ScheduleView } from '../../../src/core/schedule-wire.js';
import type { HarmoniaClient } from '../client.js';
import { formatTime } from '../components/format.js';
import { fromLocalInput } from '../components/local-time.js';
import { ErrorState } from '../components/states.js';
import { FiresTable } from './fires-table.js';

type Outcome = { kind: 'text'; text: string; executionId?: string } | { kind: 'backfill'; result: BackfillResult };

export function ScheduleActions(props: { client: HarmoniaClient; schedule: ScheduleView; onChanged(): void }) {
  const { client, schedule } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [note, setNote] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const act = async (work: () => Promise<Outcome>) => {
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      setOutcome(await work());
      props.onChanged();
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  };
  const fromIso = fromLocalInput(from);
  const toIso = fromLocalInput(to);
  return (
    <section aria-labelledby="schedule-actions-title" class="schedule-actions">
      <h2 id="schedule-actions-title">Actions</h2>
      <div class="actions start" role="toolbar" aria-label="Schedule controls">
        {schedule.paused ? (
          <button type="button" disabled={busy} onClick={() => void act(async () => (await client.resumeSchedule(schedule.id), { kind: 'text', text: 'Resumed.' }))}>
            Resume
          </button>
        ) : (
          <>
            <label class="inline">
              Pause note <input type="text" value={note} onInput={(e) => setNote(e.currentTarget.value)} placeholder="why (optional)" />
            </label>
            <button
              type="button"
              disabled={busy}
              onClick={() => void act(async () => (await client.pauseSchedule(schedule.id, note.trim() ? { note: note.trim() } : {}), { kind: 'text', text: 'Paused.' }))}
            >
              Pause
            </button>
          </>
        )}
        <button
          type="button"
          class="primary"
          disabled={busy}
          onClick={() =>
            void act(async () => {
              const fire = await client.triggerSchedule(schedule.id);
              return { kind: 'text', text: `Triggered: ${fire.status}${fire.detail ? ` (${fire.detail})` : ''}.`, ...(fire.execution_id ? { executionId: fire.execution_id } : {}) };
            })
          }
        >
          Trigger now
        </button>
      </div>
      <form
        class="backfill"
        aria-label="Backfill"
        onSubmit={(e) => {
          e.preventDefault();
          if (fromIso === undefined || toIso === undefined) return;
          void act(async () => ({ kind: 'backfill', result: await client.backfillSchedule(schedule.id, { from: fromIso, to: toIso }) }));
        }}
      >
        <p>Backfill: fire every scheduled time of a past range that has not fired yet (your local time).</p>
        <label>
          From <input type="datetime-local" required value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          To <input type="datetime-local" required value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={busy || fromIso === undefined || toIso === undefined}>
          Backfill
        </button>
      </form>
      {error && <ErrorState error={error} />}
      {outcome && (
        <div role="status" class="result">
          {outcome.kind === 'text' ? (
            <p>
              {outcome.text}{' '}
              {outcome.executionId && <a href={`/ui/executions/${encodeURIComponent(outcome.executionId)}`}>Open the execution</a>}
            </p>
          ) : (
            <>
              <p>
                Backfill: {outcome.result.fires.length} fired
                {outcome.result.already_fired.length > 0 && <>, {outcome.result.already_fired.length} already fired before ({outcome.result.already_fired.map(formatTime).join(', ')})</>}.
              </p>
              <FiresTable fires={outcome.result.fires} label="Backfilled fires" />
            </>
          )}
        </div>
      )}
    </section>
  );
}
