/** Executions: a server-side paged list, filtered by status and workflow, refreshed while open. */
import { useLocation } from 'preact-iso';
import type { ExecutionStatus } from '../../../src/core/model.js';
import { formatDuration, formatTime, shortId } from '../components/format.js';
import { Empty, Loaded } from '../components/states.js';
import { StatusBadge } from '../components/status-badge.js';
import { useAsync, useInterval } from '../components/use-async.js';
import { useSession } from '../session.js';

const STATUSES: ExecutionStatus[] = ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'];
const PAGE = 25;

export function ExecutionsPage() {
  const { client } = useSession();
  const { query, route } = useLocation();
  const status = STATUSES.find((s) => s === query.status);
  const workflow = query.workflow ?? '';
  const offset = Math.max(0, Number(query.offset ?? 0) || 0);
  const state = useAsync(
    (signal) => client.listExecutions({ signal, limit: PAGE, offset, ...(status ? { status } : {}), ...(workflow ? { workflow_ref: workflow } : {}) }),
    [status, workflow, offset],
  );
  useInterval(state.reload, 4000);

  const go = (next: { status?: string; workflow?: string; offset?: number }) => {
    const params = new URLSearchParams();
    const s = next.status ?? status ?? '';
    const w = next.workflow ?? workflow;
    const o = next.offset ?? 0;
    if (s) params.set('status', s);
    if (w) params.set('workflow', w);
    if (o > 0) params.set('offset', String(o));
    const text = params.toString();
    route(`/ui/executions${text ? `?${text}` : ''}`);
  };

  return (
    <section aria-labelledby="executions-title">
      <h1 id="executions-title">Executions</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          go({ status: String(data.get('status') ?? ''), workflow: String(data.get('workflow') ?? '').trim() });
        }}
      >
        <label>
          Status
          <select name="status" value={status ?? ''} onChange={(e) => go({ status: e.currentTarget.value })}>
            <option value="">any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          Workflow
          <input name="workflow" type="search" placeholder="pack.workflow" defaultValue={workflow} />
        </label>
        <button type="submit">Filter</button>
      </form>
      <Loaded state={state} what="executions">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>
              <p>No executions{status || workflow ? ' match these filters' : ' yet'}.</p>
              <p>
                Start one from a <a href="/ui/workflows">workflow</a>.
              </p>
            </Empty>
          ) : (
            <>
              <table class="list">
                <thead>
                  <tr>
                    <th scope="col">Execution</th>
                    <th scope="col">Workflow</th>
                    <th scope="col">Status</th>
                    <th scope="col">Started</th>
                    <th scope="col">Duration</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((execution) => (
                    <tr key={execution.id}>
                      <td>
                        <a href={`/ui/executions/${encodeURIComponent(execution.id)}`} class="mono" title={execution.id}>
                          {shortId(execution.id)}
                        </a>
                      </td>
                      <td>
                        <a href={`/ui/workflows/${encodeURIComponent(execution.workflow_ref)}`}>{execution.workflow_ref}</a>{' '}
                        <span class="muted">v{execution.workflow_version}</span>
                      </td>
                      <td>
                        <StatusBadge status={execution.status} />
                      </td>
                      <td>{formatTime(execution.created_at)}</td>
                      <td>
                        {formatDuration(
                          (execution.finished_at ? new Date(execution.finished_at).getTime() : Date.now()) - new Date(execution.created_at).getTime(),
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <nav class="pager" aria-label="Pages">
                <button type="button" disabled={offset === 0} onClick={() => go({ offset: Math.max(0, offset - PAGE) })}>
                  Newer
                </button>
                <span>
                  {offset + 1}–{offset + page.items.length} of {page.total}
                </span>
                <button type="button" disabled={offset + PAGE >= page.total} onClick={() => go({ offset: offset + PAGE })}>
                  Older
                </button>
              </nav>
            </>
          )
        }
      </Loaded>
    </section>
  );
}
