/** Workflows: the active ones with pack, version, sync status and last run. */
import { useLocation } from 'preact-iso';
import type { ExecutionView, GitStatusView, WorkflowView } from '../../../src/core/wire.js';
import { formatTime } from '../components/format.js';
import { Empty, Loaded } from '../components/states.js';
import { StatusBadge } from '../components/status-badge.js';
import { useAsync } from '../components/use-async.js';
import { useSession } from '../session.js';
import { readGitStatus } from '../workflows/git-status.js';

const PAGE = 50;

interface Row {
  workflow: WorkflowView;
  sync: string;
  last: ExecutionView | undefined;
}

export function WorkflowsPage() {
  const { client, session } = useSession();
  const { query, route } = useLocation();
  const text = query.q ?? '';
  const offset = Math.max(0, Number(query.offset ?? 0) || 0);
  const state = useAsync(
    async (signal) => {
      const [page, git] = await Promise.all([
        client.listWorkflows({ signal, limit: PAGE, offset, ...(text ? { text } : {}) }),
        readGitStatus(client, session, signal),
      ]);
      const rows: Row[] = await Promise.all(
        page.items.map(async (workflow) => ({
          workflow,
          sync: syncStatus(workflow, git),
          last: (await client.listExecutions({ signal, workflowRef: workflow.ref, limit: 1 })).items[0],
        })),
      );
      return { rows, total: page.total, git: git !== null };
    },
    [text, offset],
  );
  return (
    <section aria-labelledby="workflows-title">
      <h1 id="workflows-title">Workflows</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const q = String(new FormData(e.currentTarget).get('q') ?? '').trim();
          route(`/ui/workflows${q ? `?q=${encodeURIComponent(q)}` : ''}`);
        }}
      >
        <label>
          Search
          <input name="q" type="search" defaultValue={text} placeholder="ref, name or description" />
        </label>
        <button type="submit">Search</button>
      </form>
      <Loaded state={state} what="workflows">
        {({ rows, total }) =>
          rows.length === 0 ? (
            <Empty>
              <p>No workflows{text ? ` match '${text}'` : ''}.</p>
              <p>
                Add YAML files to a pack and sync it from <a href="/ui/packs">Packs</a>.
              </p>
            </Empty>
          ) : (
            <>
              <table class="list">
                <thead>
                  <tr>
                    <th scope="col">Workflow</th>
                    <th scope="col">Pack</th>
                    <th scope="col">Version</th>
                    <th scope="col">Sync</th>
                    <th scope="col">Tasks</th>
                    <th scope="col">Last run</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map(({ workflow, sync, last }) => (
                    <tr key={workflow.ref}>
                      <td>
                        <a href={`/ui/workflows/${encodeURIComponent(workflow.ref)}`}>{workflow.ref}</a>
                        {workflow.name && workflow.name !== workflow.ref && <span class="muted"> {workflow.name}</span>}
                      </td>
                      <td>{workflow.pack_ref}</td>
                      <td>
                        v{workflow.active_version}
                        {workflow.latest_version !== workflow.active_version && <span class="muted"> of {workflow.latest_version}</span>}
                      </td>
                      <td>
                        <span class={`badge sync-${sync}`}>{sync}</span>
                      </td>
                      <td>{workflow.task_count}</td>
                      <td>
                        {last ? (
                          <a href={`/ui/executions/${encodeURIComponent(last.id)}`}>
                            <StatusBadge status={last.status} /> {formatTime(last.created_at)}
                          </a>
                        ) : (
                          <span class="muted">never</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {total > PAGE && (
                <nav class="pager" aria-label="Pages">
                  <button type="button" disabled={offset === 0} onClick={() => route(`/ui/workflows?offset=${Math.max(0, offset - PAGE)}`)}>
                    Previous
                  </button>
                  <span>
                    {offset + 1}–{offset + rows.length} of {total}
                  </span>
                  <button type="button" disabled={offset + PAGE >= total} onClick={() => route(`/ui/workflows?offset=${offset + PAGE}`)}>
                    Next
                  </button>
                </nav>
              )}
            </>
          )
        }
      </Loaded>
    </section>
  );
}

/** Synced / OutOfSync / Invalid / Pinned from git when it is followed; otherwise Pinned or Local. */
function syncStatus(workflow: WorkflowView, git: GitStatusView | null): string {
  const fromGit = git?.workflows.find((w) => w.ref === workflow.ref)?.status;
  if (fromGit !== undefined) return fromGit;
  if (workflow.pinned) return 'Pinned';
  return workflow.origin.source === 'git' ? 'Synced' : workflow.origin.source === 'api' ? 'API' : 'Local';
}
