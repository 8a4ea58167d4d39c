/** Schedules: every schedule trigger the registered workflows declare, its state and its next and last fire. */
import { useLocation } from 'preact-iso';
import { formatTime } from '../components/format.js';
import { Empty, Loaded } from '../components/states.js';
import { useAsync, useInterval } from '../components/use-async.js';
import { describeCadence, scheduleHref, scheduleState } from '../schedules/schedule-text.js';
import { useSession } from '../session.js';

export function SchedulesPage() {
  const { client } = useSession();
  const { query } = useLocation();
  // ?workflow=REF narrows the list to one workflow (the workflow page links here so)
  const workflow = query.workflow ?? '';
  // the server narrows to one workflow: filtering the first page here lost every schedule past it
  const state = useAsync((signal) => client.listSchedules({ signal, limit: 1000, ...(workflow ? { workflow } : {}) }), [workflow]);
  // next fire times pass and schedules fire while the page is open: kept current like the executions list
  useInterval(state.reload, 5000);
  return (
    <section aria-labelledby="schedules-title">
      <h1 id="schedules-title">Schedules{workflow && <span class="muted"> of {workflow}</span>}</h1>
      <Loaded state={state} what="schedules">
        {(list) => {
          const items = list.items;
          if (items.length === 0) {
            return (
              <Empty>
                <p>
                  No schedules{workflow ? ` on ${workflow}` : ''}. A workflow declares them under <code>triggers:</code> with <code>schedule:</code> (see
                  docs/triggers.md).
                </p>
              </Empty>
            );
          }
          return (
            <table class="list">
              {list.total > items.length && (
                <caption class="muted">
                  The first {items.length} of {list.total} schedules; narrow the list to a workflow (its page links here).
                </caption>
              )}
              <thead>
                <tr>
                  <th scope="col">Schedule</th>
                  <th scope="col">Workflow</th>
                  <th scope="col">When</th>
                  <th scope="col">State</th>
                  <th scope="col">Next fire</th>
                  <th scope="col">Last fire</th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => {
                  const shown = scheduleState(s);
                  return (
                    <tr key={s.id} data-schedule={s.id}>
                      <td>
                        <a href={scheduleHref(s)}>{s.name}</a>
                      </td>
                      <td>
                        <a href={`/ui/workflows/${encodeURIComponent(s.workflow_ref)}`}>{s.workflow_ref}</a> <span class="muted">v{s.workflow_version}</span>
                      </td>
                      <td class="mono">{describeCadence(s)}</td>
                      <td>
                        <span class={`badge schedule-${shown}`} title={s.note ?? undefined}>
                          {shown}
                        </span>
                      </td>
                      <td>{s.next_fire_times[0] ? <time dateTime={s.next_fire_times[0]}>{formatTime(s.next_fire_times[0])}</time> : '—'}</td>
                      <td>
                        {s.last_fire ? (
                          <>
                            {formatTime(s.last_fire.scheduled_at)} <span class={`badge fire-${s.last_fire.status}`}>{s.last_fire.status}</span>
                          </>
                        ) : (
                          'never'
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          );
        }}
      </Loaded>
    </section>
  );
}
