/** One schedule: how it fires, its next five times, every fire a page at a time, and (write tokens) its controls. */
import { useRoute } from 'preact-iso';
import { formatDuration, formatJson, formatTime } from '../components/format.js';
import { Loaded } from '../components/states.js';
import { useAsync, useInterval } from '../components/use-async.js';
import { FireHistory } from '../schedules/fire-history.js';
import { ScheduleActions } from '../schedules/schedule-actions.js';
import { describeCadence, scheduleState } from '../schedules/schedule-text.js';
import { useSession } from '../session.js';

export function SchedulePage() {
  const { params } = useRoute();
  const { client, canWrite } = useSession();
  const id = `${params.workflow ?? ''}/${params.name ?? ''}`;
  const state = useAsync((signal) => client.getSchedule(id, { signal }), [id]);
  // the next fire times pass and the schedule fires while the page is open (the fires reload with it)
  useInterval(state.reload, 5000);
  return (
    <Loaded state={state} what="the schedule">
      {(s) => {
        const shown = scheduleState(s);
        return (
          <article aria-labelledby="schedule-title">
            <header class="page-head">
              <div>
                <p class="crumbs">
                  <a href="/ui/schedules">Schedules</a> /
                </p>
                <h1 id="schedule-title">
                  {s.name} <span class={`badge schedule-${shown}`}>{shown}</span>
                </h1>
                <p class="muted">
                  on <a href={`/ui/workflows/${encodeURIComponent(s.workflow_ref)}`}>{s.workflow_ref}</a> v{s.workflow_version} · {describeCadence(s)}
                </p>
                {s.paused && s.note && <p>Paused: {s.note}</p>}
                {(s.warnings ?? []).map((w) => (
                  <p key={w.code} class="notice" role="status">
                    {w.message}
                  </p>
                ))}
              </div>
            </header>
            <dl class="facts">
              <dt>Overlap</dt>
              <dd>{s.overlap}</dd>
              <dt>Catch-up window</dt>
              <dd>{formatDuration(s.catchup_window_ms)}</dd>
              <dt>Jitter</dt>
              <dd>{formatDuration(s.jitter_ms)}</dd>
              {s.start_at && (
                <>
                  <dt>Starts</dt>
                  <dd>{formatTime(s.start_at)}</dd>
                </>
              )}
              {s.end_at && (
                <>
                  <dt>Ends</dt>
                  <dd>{formatTime(s.end_at)}</dd>
                </>
              )}
              <dt>Input</dt>
              <dd>
                <pre class="json">{formatJson(s.input)}</pre>
              </dd>
            </dl>
            <section aria-labelledby="next-title">
              <h2 id="next-title">Next fire times</h2>
              {s.next_fire_times.length === 0 ? (
                <p class="muted">{s.paused ? 'None while paused.' : !s.enabled ? 'None: the schedule is disabled.' : 'None: the schedule has ended.'}</p>
              ) : (
                <ol class="next-fires">
                  {s.next_fire_times.map((t) => (
                    <li key={t}>
                      <time dateTime={t}>{formatTime(t)}</time>
                    </li>
                  ))}
                </ol>
              )}
            </section>
            {canWrite && <ScheduleActions client={client} schedule={s} onChanged={state.reload} />}
            <section aria-labelledby="fires-title">
              <h2 id="fires-title">Fires</h2>
              <FireHistory client={client} triggerId={s.id} reloadKey={s} />
            </section>
          </article>
        );
      }}
    </Loaded>
  );
}
