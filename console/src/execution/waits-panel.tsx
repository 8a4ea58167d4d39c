/**
 * What the execution's tasks wait for now — a signal, an approval, a time — with deadlines
 * and buffered signals, and approve/reject for approvals the session may decide. Reloaded
 * whenever the live history grows (`version`).
 */
import type { ExecutionStatus } from '../../../src/core/model.js';
import type { HarmoniaClient } from '../client.js';
import { formatTime } from '../components/format.js';
import { useAsync } from '../components/use-async.js';
import { ApprovalButtons, mayDecide } from '../waits/approval-buttons.js';

export function WaitsPanel(props: { client: HarmoniaClient; executionId: string; scopes: readonly string[]; version: number; status: ExecutionStatus | null }) {
  const { client, executionId } = props;
  const state = useAsync((signal) => client.getWaits(executionId, { signal }), [executionId, props.version]);
  if (state.kind !== 'ready') return null;
  const { waits, buffered_signals: buffered } = state.value;
  if (waits.length === 0 && buffered.length === 0) return null;
  return (
    <section aria-labelledby="waits-title" class="waits-panel">
      <h2 id="waits-title">Waiting</h2>
      <ul class="waits">
        {waits.map((w) => (
          <li key={w.task_id} data-wait={w.task_id}>
            <span class="mono">{w.task_id}</span>{' '}
            {w.kind === 'signal' && (
              <>
                waits for signal <code>{w.signal}</code>
              </>
            )}
            {w.kind === 'sleep' && <>sleeps</>}
            {w.kind === 'approval' && <>waits for an approval{w.message ? `: ${w.message}` : ''}</>}
            {w.deadline ? (
              <span class="muted">
                {' '}
                until {formatTime(w.deadline)}
                {w.kind === 'signal' ? ' (then TIMEOUT)' : w.kind === 'approval' ? ' (then EXPIRED)' : ''}
              </span>
            ) : null}
            {w.kind === 'approval' && (
              <div>
                <span class="muted">{w.approvers ? `approvers: ${w.approvers.join(', ')}` : `scope: ${w.scope ?? 'approve'}`}</span>
                {mayDecide(props.scopes, w) && <ApprovalButtons client={client} wait={w} onDecided={() => state.reload()} />}
              </div>
            )}
          </li>
        ))}
      </ul>
      {buffered.length > 0 && (
        <p class="muted">
          Signals received and not yet taken: {buffered.map((s) => `${s.name} (${formatTime(s.received_at)})`).join(', ')}
        </p>
      )}
    </section>
  );
}
