/** Packs: validate or sync each, with the diagnostics shown at their file, line and column. */
import { useState } from 'preact/hooks';
import type { PackSyncView, WorkflowView } from '../../../src/core/wire.js';
import { formatTime } from '../components/format.js';
import { Empty, ErrorState, Loaded } from '../components/states.js';
import { useAsync } from '../components/use-async.js';
import { useSession } from '../session.js';
import { ValidationError } from '../client.js';
import { DraftWorkflow } from '../assistant/draft-workflow.js';
import { useAssistant } from '../assistant/use-assistant.js';
import { isFileOf } from '../workflows/diagnostic-file.js';
import { DiagnosticList } from '../workflows/source-view.js';

export function PacksPage() {
  const { client, canWrite } = useSession();
  const state = useAsync((signal) => client.listPacks({ signal, limit: 1000 }), []);
  const [result, setResult] = useState<{ title: string; view: PackSyncView; workflows?: readonly WorkflowView[] } | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const assistant = useAssistant(client);
  const [drafting, setDrafting] = useState<string | null>(null);
  const run = async (label: string, ref: string, work: () => Promise<PackSyncView>, withWorkflows = false) => {
    setBusy(`${label}:${ref}`);
    setError(null);
    setResult(null);
    try {
      // a validation's diagnostics link to the registered workflow of their file, to be seen at their lines there
      const [view, workflows] = await Promise.all([work(), withWorkflows ? client.listWorkflows({ pack: ref, limit: 1000 }).then((p) => p.items) : undefined]);
      setResult({ title: `${label} ${ref}`, view, ...(workflows ? { workflows } : {}) });
      state.reload();
    } catch (caught) {
      // a sync that registered nothing answers 422 with the diagnostics: show them like a result
      const details = caught instanceof ValidationError ? caught.diagnostics : undefined;
      if (details !== undefined && details.length > 0) setResult({ title: `${label} ${ref}`, view: { pack_ref: ref, ok: false, diagnostics: details } });
      else setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(null);
    }
  };
  return (
    <section aria-labelledby="packs-title">
      <h1 id="packs-title">Packs</h1>
      <Loaded state={state} what="packs">
        {(list) =>
          list.items.length === 0 ? (
            <Empty>
              <p>No packs are registered. Add a folder with a pack.yaml under the packs folder.</p>
            </Empty>
          ) : (
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">Pack</th>
                  <th scope="col">Version</th>
                  <th scope="col">Workflows</th>
                  <th scope="col">Updated</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((pack) => (
                  <tr key={pack.ref}>
                    <td>
                      <a href={`/ui/workflows?q=${encodeURIComponent(`${pack.ref}.`)}`}>{pack.ref}</a>
                      {pack.label && <span class="muted"> {pack.label}</span>}
                    </td>
                    <td>{pack.version}</td>
                    <td>{pack.workflow_count}</td>
                    <td>{formatTime(pack.updated_at)}</td>
                    <td>
                      <div class="actions">
                      <button type="button" disabled={busy !== null} onClick={() => void run('Validate', pack.ref, () => client.validatePack(pack.ref), true)}>
                        Validate
                      </button>
                      {canWrite && (
                        <button type="button" class="primary" disabled={busy !== null} onClick={() => void run('Sync', pack.ref, () => client.syncPack(pack.ref))}>
                          Sync
                        </button>
                      )}
                      {canWrite && assistant.configured && (
                        <button type="button" aria-pressed={drafting === pack.ref} onClick={() => setDrafting(drafting === pack.ref ? null : pack.ref)}>
                          Draft a workflow
                        </button>
                      )}
                    </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      {drafting !== null && canWrite && <DraftWorkflow key={drafting} client={client} pack={drafting} onClose={() => setDrafting(null)} />}
      {error && <ErrorState error={error} />}
      {result && (
        <section aria-labelledby="result-title" class="result" role="status">
          <h2 id="result-title">
            {result.title}: {result.view.ok ? 'ok' : 'problems found'}
          </h2>
          <DiagnosticList
            items={result.view.diagnostics}
            linkFor={(d) => {
              const workflow = result.workflows?.find((w) => isFileOf(d, w.pack_ref, w.file));
              return workflow && `/ui/workflows/${encodeURIComponent(workflow.ref)}?tab=source&validate=1`;
            }}
          />
        </section>
      )}
    </section>
  );
}
