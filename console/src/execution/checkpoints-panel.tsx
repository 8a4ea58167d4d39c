/** Checkpoints of an execution: list, create, restore into a new execution. */
import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { formatTime } from '../components/format.js';
import { ErrorState, Loaded } from '../components/states.js';
import { useAsync } from '../components/use-async.js';
import { useSession } from '../session.js';

export function CheckpointsPanel(props: { executionId: string }) {
  const { client, canWrite } = useSession();
  const { route } = useLocation();
  const state = useAsync((signal) => client.listCheckpoints(props.executionId, { signal, limit: 1000 }), [props.executionId]);
  const [error, setError] = useState<Error | null>(null);
  const act = async (work: () => Promise<void>) => {
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    }
  };
  return (
    <>
      {canWrite && (
        <button type="button" onClick={() => void act(async () => { await client.createCheckpoint(props.executionId); state.reload(); })}>
          Create checkpoint
        </button>
      )}
      {error && <ErrorState error={error} />}
      <Loaded state={state} what="checkpoints">
        {(list) =>
          list.items.length === 0 ? (
            <p class="muted">No checkpoints.</p>
          ) : (
            <ul class="plain">
              {list.items.map((cp) => (
                <li key={cp.id}>
                  <span class="mono">{cp.id.slice(0, 8)}</span> at seq {cp.seq}, {formatTime(cp.created_at)}{' '}
                  {canWrite && (
                    <button
                      type="button"
                      onClick={() =>
                        void act(async () => {
                          const restored = await client.restoreFromCheckpoint(cp.id);
                          route(`/ui/executions/${encodeURIComponent(restored.id)}`);
                        })
                      }
                    >
                      Restore as a new execution
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}

/** The execution's custom state (`${state.*}`). */
export function CustomState(props: { executionId: string; version: number }) {
  const { client } = useSession();
  const state = useAsync((signal) => client.loadState(props.executionId, { signal }), [props.executionId, props.version]);
  return (
    <Loaded state={state} what="state">
      {(value) => (Object.keys(value).length === 0 ? <p class="muted">No custom state.</p> : <pre class="json">{JSON.stringify(value, null, 2)}</pre>)}
    </Loaded>
  );
}
