/** One workflow: graph, YAML source with diagnostics, versions, and a run form from its inputs. */
import { lazy, useLocation, useRoute } from 'preact-iso';
import { Suspense } from 'preact/compat';
import { Loaded, Loading } from '../components/states.js';
import { ParamsForm } from '../components/params-form.js';
import { useAsync } from '../components/use-async.js';
import { useSession } from '../session.js';
import { readGitStatus } from '../workflows/git-status.js';
import { WorkflowSource } from '../workflows/workflow-source.js';
import { VersionsPanel } from '../workflows/versions-panel.js';

const DagView = lazy(() => import('../execution/dag-view.js'));
const TABS = ['graph', 'source', 'versions', 'run'] as const;
type Tab = (typeof TABS)[number];
const LABELS: Record<Tab, string> = { graph: 'Graph', source: 'Source', versions: 'Versions', run: 'Run' };

export function WorkflowPage() {
  const { params } = useRoute();
  const { query, route, path } = useLocation();
  const { client, canWrite, session } = useSession();
  const ref = params.workflow ?? '';
  const tab: Tab = TABS.find((t) => t === query.tab) ?? 'graph';
  const state = useAsync(
    async (signal) => {
      const [workflow, git] = await Promise.all([client.getWorkflow(ref, { signal }), readGitStatus(client, session, signal)]);
      return { workflow, sync: git?.workflows.find((w) => w.ref === workflow.ref) ?? null };
    },
    [ref],
  );
  const tabs = TABS.filter((t) => t !== 'run' || canWrite);
  return (
    <Loaded state={state} what="the workflow">
      {({ workflow, sync }) => (
        <article aria-labelledby="workflow-title">
          <header class="page-head">
            <div>
              <p class="crumbs">
                <a href="/ui/workflows">Workflows</a> /
              </p>
              <h1 id="workflow-title">
                {workflow.ref} <span class="muted">v{workflow.version}</span>
                {workflow.pinned && <span class="badge sync-Pinned">Pinned</span>}
                {sync && <span class={`badge sync-${sync.status}`}>{sync.status}</span>}
              </h1>
              {workflow.description && <p>{workflow.description}</p>}
              <p class="muted">
                {workflow.pack_ref} · {workflow.file} · {workflow.task_count} tasks ·{' '}
                <a href={`/ui/executions?workflow=${encodeURIComponent(workflow.ref)}`}>executions</a>
                {workflow.definition.triggers !== undefined && (
                  <>
                    {' '}
                    · <a href={`/ui/schedules?workflow=${encodeURIComponent(workflow.ref)}`}>schedules</a>
                  </>
                )}
              </p>
            </div>
            {canWrite && (
              <button type="button" class="primary" onClick={() => route(`${path}?tab=run`)}>
                Run
              </button>
            )}
          </header>
          {/* links, not ARIA tabs: each view has its own URL and the browser's history */}
          <nav aria-label="Workflow views" class="tabs">
            {tabs.map((t) => (
              <a key={t} href={`${path}?tab=${t}`} aria-current={tab === t ? 'page' : undefined}>
                {LABELS[t]}
              </a>
            ))}
          </nav>
          <section aria-label={LABELS[tab]}>
            {tab === 'graph' && (
              <Suspense fallback={<Loading what="the graph" />}>
                <DagView tasks={workflow.definition.tasks} label={`Tasks of ${workflow.ref}`} />
              </Suspense>
            )}
            {tab === 'source' && <WorkflowSource workflow={workflow} sync={sync} validate={query.validate === '1'} />}
            {tab === 'versions' && <VersionsPanel workflowRef={workflow.ref} onChanged={state.reload} />}
            {tab === 'run' && canWrite && (
              <ParamsForm
                idPrefix="input"
                specs={workflow.definition.input}
                submitLabel="Start execution"
                onSubmit={async (input) => {
                  const execution = await client.executeWorkflow({ workflow_ref: workflow.ref, input });
                  route(`/ui/executions/${encodeURIComponent(execution.id)}`);
                }}
              />
            )}
          </section>
        </article>
      )}
    </Loaded>
  );
}
