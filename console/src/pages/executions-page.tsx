/**
 * Executions: a server-side paged list, filtered by status, workflow, creation time and
 * text (an id prefix or part of a workflow ref), refreshed while open. Filters live in
 * the URL, times as ISO UTC, so a link shows the same list wherever it is opened.
 */
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import type { ExecutionStatus } from '../../../src/core/model.js';
import { formatDuration, formatTime, shortId } from '../components/format.js';
import { fromLocalInput, toLocalInput } from '../components/local-time.js';
import { Empty, Loaded } from '../components/states.js';
import { StatusBadge } from '../components/status-badge.js';
import { useAsync, useInterval } from '../components/use-async.js';
import { useSession } from '../session.js';

const STATUSES: ExecutionStatus[] = ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'];
const PAGE = 25;

interface Filters {
  status: string;
  workflow: string;
  text: string;
  since: string;
  until: string;
}

// A hand-edited link may hold any time the browser reads; the server takes only ISO with an
// offset. One the browser cannot read goes as written, so the page shows the server's refusal
// naming the filter rather than a list that silently ignores it.
const filterTime = (value: string | undefined) => (value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : (value ?? ''));

export function ExecutionsPage() {
  const { client } = useSession();
  const { query, route } = useLocation();
  // passed as written: the server names a status it does not take (shown as the page's error)
  const status = query.status ? (query.status as ExecutionStatus) : undefined;
  const workflow = query.workflow ?? '';
  const text = query.q ?? '';
  const since = filterTime(query.since);
  const until = filterTime(query.until);
  const offset = Math.max(0, Number(query.offset ?? 0) || 0);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const state = useAsync(
    (signal) =>
      client.listExecutions({
        signal,
        limit: PAGE,
        offset,
        ...(status ? { status } : {}),
        ...(workflow ? { workflowRef: workflow } : {}),
        ...(text ? { text } : {}),
        ...(since ? { createdSince: since } : {}),
        ...(until ? { createdUntil: until } : {}),
      }),
    [status, workflow, text, since, until, offset],
  );
  useInterval(state.reload, 4000);
  const filtered = Boolean(status || workflow || text || since || until);

  const go = (next: Partial<Filters> & { offset?: number }) => {
    const params = new URLSearchParams();
    const wanted: Filters = {
      status: next.status ?? status ?? '',
      workflow: next.workflow ?? workflow,
      text: next.text ?? text,
      since: next.since ?? since,
      until: next.until ?? until,
    };
    if (wanted.status) params.set('status', wanted.status);
    if (wanted.workflow) params.set('workflow', wanted.workflow);
    if (wanted.text) params.set('q', wanted.text);
    if (wanted.since) params.set('since', wanted.since);
    if (wanted.until) params.set('until', wanted.until);
    const o = next.offset ?? 0;
    if (o > 0) params.set('offset', String(o));
    const search = params.toString();
    route(`/ui/executions${search ? `?${search}` : ''}`);
  };

  const submit = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const field = (name: string) => String(data.get(name) ?? '').trim();
    const from = fromLocalInput(field('since')) ?? '';
    const to = fromLocalInput(field('until')) ?? '';
    if (from && to && from > to) {
      setRangeError('“Created until” must not be before “Created since”.');
      return;
    }
    setRangeError(null);
    go({ status: field('status'), workflow: field('workflow'), text: field('q'), since: from, until: to });
  };

  return (
    <section aria-labelledby="executions-title">
      <h1 id="executions-title">Executions</h1>
      <form
        class="filters"
        role="search"
        aria-label="Filter executions"
        // keyed by the URL's filters: a link or Clear resets the uncontrolled fields
        key={`${workflow}|${text}|${since}|${until}`}
        onSubmit={(e) => {
          e.preventDefault();
          submit(e.currentTarget);
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
        <label>
          Search
          <input name="q" type="search" placeholder="id prefix or workflow" defaultValue={text} maxLength={200} aria-describedby="search-hint" />
        </label>
        <label>
          Created since
          <input
            name="since"
            type="datetime-local"
            defaultValue={toLocalInput(since)}
            aria-describedby="time-hint"
            aria-invalid={rangeError !== null ? 'true' : undefined}
          />
        </label>
        <label>
          Created until
          <input
            name="until"
            type="datetime-local"
            defaultValue={toLocalInput(until)}
            aria-describedby={rangeError !== null ? 'time-hint range-error' : 'time-hint'}
            aria-invalid={rangeError !== null ? 'true' : undefined}
          />
        </label>
        <button type="submit">Filter</button>
        {filtered && (
          <button type="button" class="link" onClick={() => route('/ui/executions')}>
            Clear filters
          </button>
        )}
        <p class="muted filter-hints">
          <span id="search-hint">Search matches the start or the end of an execution id or any part of a workflow ref.</span>{' '}
          <span id="time-hint">Times are your local time; until is exclusive.</span>
        </p>
        {rangeError !== null && (
          <p id="range-error" class="field-error" role="alert">
            {rangeError}
          </p>
        )}
      </form>
      <Loaded state={state} what="executions">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>
              <p>No executions{filtered ? ' match these filters' : ' yet'}.</p>
              <p>
                {filtered ? (
                  <>
                    Widen the time range, or <a href="/ui/executions">clear the filters</a>.
                  </>
                ) : (
                  <>
                    Start one from a <a href="/ui/workflows">workflow</a>.
                  </>
                )}
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
