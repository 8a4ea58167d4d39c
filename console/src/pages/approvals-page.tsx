/** Pending approvals: tasks waiting in core.approval across running executions, oldest first, with approve and reject where the session may decide. */
import { formatTime, shortId } from '../components/format.js';
import { Empty, Loaded } from '../components/states.js';
import { useAsync, useInterval } from '../components/use-async.js';
import { useSession } from '../session.js';
import { ApprovalButtons, mayDecide } from '../waits/approval-buttons.js';

export function ApprovalsPage() {
  const { client, session } = useSession();
  const state = useAsync((signal) => client.listApprovals({ signal, limit: 200 }), []);
  // New waits arrive from executions anywhere: a light refresh keeps the list current.
  useInterval(() => state.reload(), 5000);
  return (
    <section aria-labelledby="approvals-title">
      <h1 id="approvals-title">Approvals</h1>
      <Loaded state={state} what="pending approvals">
        {(page) => {
          if (page.items.length === 0) {
            return (
              <Empty>
                <p>
                  No pending approvals. A <code>core.approval</code> task waits here for a decision (see docs/waits.md).
                </p>
              </Empty>
            );
          }
          return (
            <table class="list">
              <thead>
                <tr>
                  <th scope="col">Execution</th>
                  <th scope="col">Task</th>
                  <th scope="col">Message</th>
                  <th scope="col">Waiting since</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Who may decide</th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((a) => (
                  <tr key={`${a.execution_id}/${a.task_id}`} data-approval={`${a.execution_id}/${a.task_id}`}>
                    <td>
                      <a href={`/ui/executions/${encodeURIComponent(a.execution_id)}`} class="mono">
                        {shortId(a.execution_id)}
                      </a>{' '}
                      <span class="muted">{a.workflow_ref}</span>
                    </td>
                    <td class="mono">{a.task_id}</td>
                    <td>{a.message ?? ''}</td>
                    <td>{a.waiting_since ? formatTime(a.waiting_since) : '—'}</td>
                    <td>{a.deadline ? formatTime(a.deadline) : 'never'}</td>
                    <td>{a.approvers ? a.approvers.join(', ') : `scope ${a.scope ?? 'approve'}`}</td>
                    <td>
                      {mayDecide(session.scopes, a) ? (
                        <ApprovalButtons client={client} wait={a} onDecided={() => state.reload()} />
                      ) : (
                        <span class="muted">needs the {a.scope ?? 'approve'} scope</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </Loaded>
    </section>
  );
}
