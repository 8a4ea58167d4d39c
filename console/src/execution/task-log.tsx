/**
 * The Logs section of the task panel: an attempt picker when the task ran more than once,
 * the attempt's lines (live while the execution runs), a download link for the whole log,
 * and the empty, loading and error states.
 */
import { useState } from 'preact/hooks';
import type { HarmoniaClient } from '../client.js';
import { shortId } from '../components/format.js';
import { ErrorState, Loading } from '../components/states.js';
import { LogLines } from './log-lines.js';
import { formatLogText } from './log-text.js';
import type { TaskLog } from './use-task-log.js';

export function TaskLogSection(props: {
  client: HarmoniaClient;
  executionId: string;
  taskId: string;
  attempts: number[];
  shown: number | null;
  log: TaskLog;
  onAttempt(attempt: number): void;
}) {
  const { log, shown } = props;
  return (
    <section aria-labelledby="log-title" class="task-log" data-following={String(log.following)}>
      <div class="log-head">
        <h3 id="log-title">Log</h3>
        {props.attempts.length > 1 && shown !== null && (
          <label>
            Attempt{' '}
            <select value={String(shown)} aria-label="Attempt" onChange={(e) => props.onAttempt(Number(e.currentTarget.value))}>
              {props.attempts.map((n) => (
                <option key={n} value={String(n)}>
                  #{n}
                </option>
              ))}
            </select>
          </label>
        )}
        {shown !== null && props.attempts.length <= 1 && <span class="muted">attempt #{shown}</span>}
        <span class="log-live" role="status" aria-live="polite">
          {log.following ? (log.reconnecting ? 'Reconnecting… (the server is not answering)' : 'Following live') : ''}
        </span>
        {shown !== null && log.lines.length > 0 && <DownloadLog client={props.client} executionId={props.executionId} taskId={props.taskId} attempt={shown} />}
      </div>
      {log.dropped > 0 && (
        <p class="muted">
          The first {log.dropped.toLocaleString()} lines are not shown here; download the log to read them.
        </p>
      )}
      {log.kind === 'idle' ? (
        <p class="state empty">Not started: the task's log appears here when it runs.</p>
      ) : log.lines.length > 0 ? (
        <LogLines lines={log.lines} version={log.version} label={`Log of ${props.taskId}, attempt ${shown ?? ''}`} />
      ) : log.kind === 'loading' ? (
        <Loading what="the log" />
      ) : log.kind === 'ready' ? (
        <p class="state empty">{log.following ? 'Nothing printed yet; new lines appear here as the task prints them.' : 'This attempt printed nothing.'}</p>
      ) : null}
      {log.kind === 'error' && log.error && <ErrorState error={log.error} onRetry={log.retry} />}
    </section>
  );
}

/** Reads the attempt's whole log (not just the lines held here) and saves it as text. */
function DownloadLog(props: { client: HarmoniaClient; executionId: string; taskId: string; attempt: number }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = `${shortId(props.executionId)}-${props.taskId}-attempt-${props.attempt}.log`;
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const lines = [];
      for await (const line of props.client.logs(props.executionId, { task: props.taskId, attempt: props.attempt })) lines.push(line);
      const url = URL.createObjectURL(new Blob([formatLogText(lines)], { type: 'text/plain;charset=utf-8' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <a
        href="#"
        class="log-download"
        download={name}
        aria-disabled={busy ? 'true' : undefined}
        onClick={(e) => {
          // the API needs the bearer token, which a plain link cannot send
          e.preventDefault();
          if (!busy) void download();
        }}
      >
        {busy ? 'Preparing…' : 'Download log'}
      </a>
      {error !== null && (
        <span class="error-text" role="alert">
          download failed: {error}
        </span>
      )}
    </>
  );
}
