/** A workflow's versions with their commits: diff against the active one, roll back, unpin. */
import { useState } from 'preact/hooks';
import type { VersionDiffView } from '../../../src/core/wire.js';
import { formatTime } from '../components/format.js';
import { ErrorState, Loaded } from '../components/states.js';
import { useAsync } from '../components/use-async.js';
import { useSession } from '../session.js';
import { DiffView } from './source-view.js';

export function VersionsPanel(props: { workflowRef: string; onChanged(): void }) {
  const { client, canWrite } = useSession();
  const state = useAsync((signal) => client.getWorkflowHistory(props.workflowRef, { signal, limit: 1000 }), [props.workflowRef]);
  const [diff, setDiff] = useState<VersionDiffView | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const act = async (work: () => Promise<void>) => {
    setError(null);
    setNotice(null);
    try {
      await work();
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    }
  };
  return (
    <Loaded state={state} what="versions">
      {(history) => (
        <>
          <p>
            Active: v{history.active_version} of {history.latest_version}
            {history.pinned && (
              <>
                {' '}
                <span class="badge sync-Pinned">Pinned</span>{' '}
                {canWrite && (
                  <button
                    type="button"
                    onClick={() =>
                      void act(async () => {
                        const change = await client.unpinWorkflow(props.workflowRef);
                        setNotice(`Unpinned: v${change.to_version} is active.`);
                        state.reload();
                        props.onChanged();
                      })
                    }
                  >
                    Unpin
                  </button>
                )}
              </>
            )}
          </p>
          {notice !== null && (
            <p class="notice" role="status">
              {notice}
            </p>
          )}
          {error && <ErrorState error={error} />}
          <table class="list">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">From</th>
                <th scope="col">Date</th>
                <th scope="col">Message</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {[...history.items].reverse().map((entry) => (
                <tr key={entry.version} class={entry.active ? 'active-row' : undefined}>
                  <td>
                    v{entry.version} {entry.active && <span class="badge status-running">active</span>}
                  </td>
                  <td>
                    {entry.source}
                    {entry.commit && <span class="mono"> {entry.commit.slice(0, 8)}</span>}
                    {entry.author && <span class="muted"> {entry.author}</span>}
                  </td>
                  <td>{formatTime(entry.date)}</td>
                  <td>{entry.message ?? ''}</td>
                  <td>
                      <div class="actions">
                    {!entry.active && (
                      <button
                        type="button"
                        onClick={() => void act(async () => setDiff(await client.diffWorkflowVersions(props.workflowRef, entry.version, history.active_version)))}
                      >
                        Diff with active
                      </button>
                    )}
                    {!entry.active && canWrite && (
                      <button
                        type="button"
                        class="danger"
                        onClick={() =>
                          void act(async () => {
                            if (!window.confirm(`Make v${entry.version} active and pin it? Running executions keep their version.`)) return;
                            const change = await client.rollbackWorkflow(props.workflowRef, entry.version);
                            setNotice(`Rolled back from v${change.from_version} to v${change.to_version}; pinned until unpinned.`);
                            setDiff(null);
                            state.reload();
                            props.onChanged();
                          })
                        }
                      >
                        Roll back to v{entry.version}
                      </button>
                    )}
                  </div>
                    </td>
                </tr>
              ))}
            </tbody>
          </table>
          {diff && (
            <section aria-label="Diff">
              <h3>
                v{diff.from.version} → v{diff.to.version}
              </h3>
              {diff.identical ? <p class="muted">The two versions are identical.</p> : <DiffView diff={diff.diff} />}
            </section>
          )}
        </>
      )}
    </Loaded>
  );
}
