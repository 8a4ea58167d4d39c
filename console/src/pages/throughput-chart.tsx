/** Executions finished per 5-minute bucket over the last hour, failures stacked in red, as SVG. */
import type { ExecutionView } from '../../../src/core/wire.js';

const BUCKET_MS = 5 * 60_000;
const BUCKETS = 12;

export function bucketExecutions(executions: readonly ExecutionView[], now: number): Array<{ start: number; done: number; failed: number }> {
  const first = now - BUCKETS * BUCKET_MS;
  const buckets = Array.from({ length: BUCKETS }, (_, i) => ({ start: first + i * BUCKET_MS, done: 0, failed: 0 }));
  for (const e of executions) {
    if (e.finished_at === null) continue;
    const at = new Date(e.finished_at).getTime();
    const index = Math.floor((at - first) / BUCKET_MS);
    const bucket = buckets[index];
    if (!bucket) continue;
    if (e.status === 'failed') bucket.failed += 1;
    else bucket.done += 1;
  }
  return buckets;
}

export function ThroughputChart(props: { executions: readonly ExecutionView[]; now: number }) {
  const buckets = bucketExecutions(props.executions, props.now);
  const max = Math.max(1, ...buckets.map((b) => b.done + b.failed));
  const total = buckets.reduce((n, b) => n + b.done + b.failed, 0);
  const failed = buckets.reduce((n, b) => n + b.failed, 0);
  if (total === 0) return <p class="muted">No execution finished in the last hour.</p>;
  const w = 24;
  const h = 120;
  return (
    <figure class="chart">
      <svg width={BUCKETS * (w + 4)} height={h + 20} role="img" aria-label={`${total} executions finished in the last hour, ${failed} failed`}>
        {buckets.map((b, i) => {
          const okH = (b.done / max) * h;
          const failH = (b.failed / max) * h;
          return (
            <g key={b.start} transform={`translate(${i * (w + 4)},0)`}>
              <title>{`${new Date(b.start).toLocaleTimeString()}: ${b.done} finished, ${b.failed} failed`}</title>
              <rect y={h - okH - failH} width={w} height={okH} class="bar-ok" />
              <rect y={h - failH} width={w} height={failH} class="bar-failed" />
            </g>
          );
        })}
        <line x1="0" x2={BUCKETS * (w + 4)} y1={h + 0.5} y2={h + 0.5} class="axis" />
        <text x="0" y={h + 16} class="axis-label">
          −60 min
        </text>
        <text x={BUCKETS * (w + 4)} y={h + 16} text-anchor="end" class="axis-label">
          now
        </text>
      </svg>
      <figcaption>
        {total} finished in the last hour; failure rate {total === 0 ? '—' : `${Math.round((failed / total) * 100)}%`}.
      </figcaption>
    </figure>
  );
}
