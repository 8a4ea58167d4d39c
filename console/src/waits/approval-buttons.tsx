/**
 * Approve and reject for one waiting core.approval task, with an optional comment. Shown
 * only when the session's scopes could decide it (the task's scope, or admin); the server
 * still checks the task's approvers and answers 403 with the reason, shown here.
 */
import { useState } from 'preact/hooks';
import type { WaitView } from '../../../src/core/wait-wire.js';
import type { HarmoniaClient } from '../client.js';
import { ErrorState } from '../components/states.js';

/** True when a session with these scopes may try to decide the approval (the server has the last word). */
export function mayDecide(scopes: readonly string[], wait: Pick<WaitView, 'scope'>): boolean {
  return scopes.includes('admin') || scopes.includes(wait.scope ?? 'approve');
}

export function ApprovalButtons(props: { client: HarmoniaClient; wait: WaitView; onDecided(): void }) {
  const { client, wait } = props;
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const decide = async (decision: 'approve' | 'reject') => {
    setBusy(true);
    setError(null);
    try {
      await client.decideApproval(wait.execution_id, wait.task_id, decision, comment.trim() ? { comment: comment.trim() } : {});
      props.onDecided();
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="approval-buttons" role="group" aria-label={`Decide ${wait.task_id}`}>
      <label class="inline">
        Comment <input type="text" value={comment} onInput={(e) => setComment(e.currentTarget.value)} placeholder="why (optional)" />
      </label>
      <button type="button" disabled={busy} onClick={() => void decide('approve')}>
        Approve
      </button>
      <button type="button" class="danger" disabled={busy} onClick={() => void decide('reject')}>
        Reject
      </button>
      {error && <ErrorState error={error} />}
    </div>
  );
}
