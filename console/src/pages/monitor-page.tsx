/**
 * Monitor: counts by status, running executions, throughput and failures over time,
 * queue depth, remote components' heartbeats, the cluster's nodes (PostgreSQL; the
 * status response has no `nodes` on SQLite, so the panel is not drawn there) and the
 * git sync (with refused commits). Refreshed every few seconds while visible.
 */
import type { ExecutionStatus } from '../../../src/core/model.js';
import type { ComponentView, ExecutionView, GitStatusView, ServerStatusView } from '../../../src/core/wire.js';
import { formatAgo, formatDuration, formatTime, shortId } from '../components/format.js';
import { Empty, Loaded } from '../components/states.js';
import { StatusBadge } from '../components/status-badge.js';
import { useAsync, useInterval } from '../components/use-async.js';
import { useSession } from '../session.js';
import { readGitSources } from '../workflows/git-status.js';
import { NodesPanel } from './nodes-panel.js';
import { ThroughputChart } from './throughput-chart.js';

const ORDER: ExecutionStatus[] = ['running', 'pending', 'paused', 'completed', 'failed', 'canceled'];
/** A component whose last heartbeat is older than this is shown as stale. */
const STALE_MS = 60_000;

interface Snapshot {
  status: ServerStatusView;
  recent: ExecutionView[];
  components: ComponentView[];
  /** Every git source's status; null when the server follows none. */
  git: GitStatusView[] | null;
}

export function MonitorPage() {
  const { client, session } = useSession();
  const state = useAsync<Snapshot>(async (signal) => {
    const [status, recent, components, git] = await Promise.all([
      client.getServerStatus({ signal }),
      client.listExecutions({ signal, limit: 500 }),
      client.listComponents({ signal, limit: 1000 }), // the API's largest page: the monitor shows them all
      readGitSources(client, session, signal),
    ]);
    return { status, recent: recent.items, components: components.items, git };
  }, []);
  useInterval(state.reload, 5000);
  return (
    <section aria-labelledby="monitor-title">
      <h1 id="monitor-title">Monitor</h1>
      <Loaded state={state} what="the monitor">
        {(snap) => <MonitorBody snap={snap} />}
      </Loaded>
    </section>
  );
}

function MonitorBody({ snap }: { snap: Snapshot }) {
  const { status, recent, components, git } = snap;
  const now = Date.now();
  return (
    <>
      <ul class="tiles" aria-label="Executions by status">
        {ORDER.map((s) => (
          <li key={s} class={`tile status-${s}`}>
            <span class="tile-number">{status.counts.executions[s]}</span>
            <span class="tile-label">{s}</span>
          </li>
        ))}
        <li class="tile">
          <span class="tile-number">{status.counts.executions.pending}</span>
          <span class="tile-label">queue depth</span>
        </li>
      </ul>
      <p class="muted">
        {status.name} {status.version} · {status.store.backend} store · up {formatDuration(status.uptime_seconds * 1000)} · {status.counts.workflows} workflows,{' '}
        {status.counts.templates} templates, {status.counts.packs} packs
      </p>
      <div class="columns">
        <section aria-labelledby="throughput-title">
          <h2 id="throughput-title">Throughput and failures</h2>
          <ThroughputChart executions={recent} now={now} />
        </section>
        <section aria-labelledby="running-title">
          <h2 id="running-title">Running</h2>
          {status.running_executions.length === 0 ? (
            <p class="muted">Nothing is running.</p>
          ) : (
            <ul class="plain">
              {status.running_executions.map((id) => {
                const row = recent.find((e) => e.id === id);
                return (
                  <li key={id}>
                    <a href={`/ui/executions/${encodeURIComponent(id)}`} class="mono">
                      {shortId(id)}
                    </a>{' '}
                    {row && (
                      <>
                        {row.workflow_ref} <StatusBadge status={row.status} /> since {formatTime(row.created_at)}
                      </>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </section>
      </div>
      {status.nodes !== undefined && <NodesPanel nodes={status.nodes} now={now} />}
      <div class="columns">
        <section aria-labelledby="components-title">
          <h2 id="components-title">Remote components</h2>
          {components.length === 0 ? (
            <p class="muted">No remote components are registered.</p>
          ) : (
            <ul class="plain">
              {components.map((c) => {
                const age = c.last_heartbeat_at === null ? Infinity : now - new Date(c.last_heartbeat_at).getTime();
                const health = age <= STALE_MS ? 'healthy' : 'stale';
                return (
                  <li key={c.id}>
                    <span class={`badge health-${health}`}>{health}</span> {c.name} <span class="muted mono">{c.base_url}</span> · heartbeat{' '}
                    {formatAgo(c.last_heartbeat_at, now)}
                  </li>
                );
              })}
            </ul>
          )}
        </section>
        <section aria-labelledby="git-title">
          <h2 id="git-title">Git sync</h2>
          {git === null ? (
            <Empty>
              <p>This server does not follow a git repository (neither HARMONIA_GIT_URL nor HARMONIA_GIT_SOURCES is set).</p>
            </Empty>
          ) : (
            git.map((source) => <GitPanel key={source.source ?? 'default'} git={source} several={git.length > 1} />)
          )}
        </section>
      </div>
    </>
  );
}

function GitPanel({ git, several }: { git: GitStatusView; several: boolean }) {
  const last = git.last_sync;
  const refused = last !== null && (last.outcome === 'refused' || last.outcome === 'failed' || last.outcome === 'partial');
  const drift = git.drift ?? [];
  const drifted = drift.filter((d) => d.state !== 'Synced');
  const conflicts = (git.packs ?? []).filter((p) => p.claimed_by !== undefined);
  const name = git.source ?? 'default';
  return (
    <section aria-label={`Git source ${name}`} class="git-source">
      {several && (
        <h3>
          {name}{' '}
          <span class={`badge sync-${drifted.length === 0 && !refused && conflicts.length === 0 ? 'Synced' : 'OutOfSync'}`}>
            {drifted.length === 0 && !refused && conflicts.length === 0 ? 'Synced' : 'OutOfSync'}
          </span>
        </h3>
      )}
      <dl class="facts">
        <dt>Repository</dt>
        <dd class="mono">
          {git.url} @ {git.branch}
        </dd>
        <dt>Synced commit</dt>
        <dd class="mono">{git.synced_commit?.slice(0, 12) ?? 'none'}</dd>
        <dt>Head</dt>
        <dd class="mono">
          {git.head?.sha.slice(0, 12) ?? '—'} {git.head?.message && <span class="muted">{git.head.message.split('\n')[0]}</span>}
        </dd>
        <dt>Path</dt>
        <dd class="mono">{git.path}</dd>
        <dt>Drift</dt>
        <dd>
          {drift.length - drifted.length} of {drift.length} definitions synced
        </dd>
        <dt>Last sync</dt>
        <dd>
          {last === null ? (
            'not yet'
          ) : (
            <>
              <span class={`badge outcome-${last.outcome}`}>{last.outcome}</span> {formatTime(last.finished_at)}
            </>
          )}
        </dd>
      </dl>
      {refused && last && (
        <div class="state error" role="alert" aria-label="Refused commit">
          <p>
            Commit <span class="mono">{last.commit?.sha.slice(0, 12) ?? last.ref}</span> was {last.outcome}
            {last.commit?.message ? `: ${last.commit.message.split('\n')[0]}` : ''}.
            {last.error && (
              <>
                {' '}
                <code class="code">{last.error.code}</code> {last.error.message}
              </>
            )}
          </p>
          <ul class="diagnostics">
            {last.packs
              .flatMap((p) => p.errors)
              .map((d, i) => (
                <li key={i}>
                  <span class="mono">
                    {d.file}:{d.line}:{d.column}
                  </span>{' '}
                  <code class="code">{d.code}</code> {d.message}
                </li>
              ))}
          </ul>
        </div>
      )}
      {conflicts.length > 0 && (
        <div class="state error" role="alert" aria-label="Packs in several sources">
          <ul class="plain">
            {conflicts.map((p) => (
              <li key={p.pack_ref}>
                Pack <span class="mono">{p.pack_ref}</span> is in {(p.claimed_by ?? []).map((n) => `'${n}'`).join(' and ')}: none of them syncs it until it is removed from all but one.
              </li>
            ))}
          </ul>
        </div>
      )}
      {drifted.length > 0 && (
        <ul class="plain" aria-label="Drift">
          {drifted.map((d) => (
            <li key={`${d.kind}:${d.ref}`}>
              <span class={`badge sync-${d.state === 'Missing' || d.state === 'Extra' ? 'OutOfSync' : d.state}`}>{d.state}</span> {d.kind}{' '}
              <span class="mono">{d.ref}</span> {d.reason && <span class="muted">{d.reason}</span>}
            </li>
          ))}
        </ul>
      )}
      {git.workflows.some((w) => w.status !== 'Synced') && (
        <ul class="plain">
          {git.workflows
            .filter((w) => w.status !== 'Synced')
            .map((w) => (
              <li key={w.ref}>
                <span class={`badge sync-${w.status}`}>{w.status}</span> <a href={`/ui/workflows/${encodeURIComponent(w.ref)}`}>{w.ref}</a>{' '}
                {w.reason && <span class="muted">{w.reason}</span>}
              </li>
            ))}
        </ul>
      )}
    </section>
  );
}
