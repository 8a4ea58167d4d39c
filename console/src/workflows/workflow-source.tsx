/**
 * A workflow's Source tab: the active version's YAML, with the diagnostics that concern
 * its file — from a failing git commit, and from validating the pack folder when the link
 * asks for it (?validate=1, as the Packs page links) — drawn at their lines when they fit
 * this text (place-diagnostics.ts), or listed above it saying that they do not.
 */
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import type { WorkflowDetail } from '../../../src/core/wire.js';
import { Loaded } from '../components/states.js';
import { useAsync } from '../components/use-async.js';
import { useSession } from '../session.js';
import type { Placement } from './place-diagnostics.js';
import { DiagnosticList, SourceView } from './source-view.js';

export interface SyncProblems {
  failing_commit?: string;
  diagnostics?: Diagnostic[];
}

export function WorkflowSource(props: { workflow: WorkflowDetail; sync: SyncProblems | null; validate: boolean }) {
  const { workflow, sync } = props;
  const { client } = useSession();
  const syncDiagnostics = sync?.diagnostics ?? [];
  const loaded = useAsync(
    async (signal) => {
      const report = props.validate ? await client.validatePack(workflow.pack_ref, { signal }) : null;
      // the YAML parser the check needs is fetched only when there is something to place
      if (syncDiagnostics.length === 0 && (report === null || report.diagnostics.length === 0)) return { report, placer: null };
      return { report, placer: (await import('./place-diagnostics.js')).placeDiagnostics };
    },
    [workflow.pack_ref, workflow.version, props.validate, syncDiagnostics.length],
  );
  return (
    <Loaded state={loaded} what="the diagnostics">
      {({ report, placer }) => {
        const place = (list: readonly Diagnostic[]): Placement =>
          placer === null ? { inline: [], mismatched: [], elsewhere: [] } : placer(workflow.source, workflow.pack_ref, workflow.file, list);
        const fromSync = syncDiagnostics.length > 0 ? place(syncDiagnostics) : null;
        const fromValidate = report === null ? null : place(report.diagnostics);
        const inline = [...(fromSync?.inline ?? []), ...(fromValidate?.inline ?? [])];
        return (
          <>
            {fromSync && (
              <div class="state error" role="alert" aria-label="Sync problems">
                <p>
                  {sync?.failing_commit !== undefined ? (
                    <>
                      Commit <span class="mono">{sync.failing_commit.slice(0, 12)}</span> did not sync this workflow
                    </>
                  ) : (
                    'The last sync found problems'
                  )}
                  ; the active version v{workflow.version} is shown below.
                </p>
                <Explained placement={fromSync} version={workflow.version} what="that commit" />
              </div>
            )}
            {fromValidate && report && (
              <section class={report.ok ? 'state' : 'state error'} aria-label="Validation of the pack folder">
                <p>
                  Validated the pack folder {workflow.pack_ref}: {report.ok ? 'no errors' : 'errors found'}.
                </p>
                <Explained placement={fromValidate} version={workflow.version} what="the pack folder" />
              </section>
            )}
            <SourceView source={workflow.source} label={`Source of ${workflow.file}`} diagnostics={inline} />
          </>
        );
      }}
    </Loaded>
  );
}

function Explained(props: { placement: Placement; version: number; what: string }) {
  const { inline, mismatched, elsewhere } = props.placement;
  return (
    <>
      {inline.length > 0 && (
        <p>
          {inline.length === 1 ? 'Its problem in this file is' : `Its ${inline.length} problems in this file are`} shown at {inline.length === 1 ? 'its line' : 'their lines'} below.
        </p>
      )}
      {mismatched.length > 0 && (
        <>
          <p class="mismatch">The text of this file in {props.what} differs from v{props.version} shown below, so its diagnostics are listed here, not drawn on its lines:</p>
          <DiagnosticList items={mismatched} />
        </>
      )}
      {elsewhere.length > 0 && (
        <>
          <p>In other files:</p>
          <DiagnosticList items={elsewhere} />
        </>
      )}
    </>
  );
}
