/**
 * Prometheus text exposition, written by hand: a few counters and one histogram
 * do not justify a metrics library.
 */
import type { ExecutionEvent } from '../core/model.js';

const BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface HistogramCell {
  buckets: number[];
  sum: number;
  count: number;
}

/** Counts HTTP requests and engine task outcomes for GET /metrics. */
export interface HttpMetrics {
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  observeEvent(event: ExecutionEvent): void;
  /** The counters and histograms in Prometheus text format. */
  render(): string;
}

/** Creates an empty metrics registry. */
export function createHttpMetrics(): HttpMetrics {
  const requests = new Map<string, number>();
  const durations = new Map<string, HistogramCell>();
  const tasks = new Map<string, number>();
  const events = new Map<string, number>();
  const eventKeys = new Map<string, string>();
  const seriesById = new Map<string, { key: string; by_status: Map<number, string> }>();
  const seriesOf = (method: string, route: string): { key: string; by_status: Map<number, string> } => {
    const id = `${method} ${route}`;
    let found = seriesById.get(id);
    if (found === undefined) {
      found = { key: labels({ method, route }), by_status: new Map() };
      seriesById.set(id, found);
    }
    return found;
  };

  return {
    observeRequest(method, route, status, seconds) {
      // Label strings are built once per method, route and status (a bounded set): they were
      // a good part of a status read's own CPU time.
      const series = seriesOf(method, route);
      let key = series.by_status.get(status);
      if (key === undefined) {
        key = labels({ method, route, status: String(status) });
        series.by_status.set(status, key);
      }
      requests.set(key, (requests.get(key) ?? 0) + 1);
      let cell = durations.get(series.key);
      if (!cell) {
        cell = { buckets: BUCKETS_SECONDS.map(() => 0), sum: 0, count: 0 };
        durations.set(series.key, cell);
      }
      BUCKETS_SECONDS.forEach((le, i) => {
        if (seconds <= le) cell.buckets[i] = (cell.buckets[i] ?? 0) + 1;
      });
      cell.sum += seconds;
      cell.count += 1;
    },
    observeEvent(event) {
      let ekey = eventKeys.get(event.event_type);
      if (ekey === undefined) {
        ekey = labels({ event_type: event.event_type });
        eventKeys.set(event.event_type, ekey);
      }
      events.set(ekey, (events.get(ekey) ?? 0) + 1);
      const outcome = TASK_OUTCOME[event.event_type];
      if (outcome !== undefined) {
        const tkey = labels({ status: outcome });
        tasks.set(tkey, (tasks.get(tkey) ?? 0) + 1);
      }
    },
    render() {
      const lines: string[] = [];
      counter(lines, 'harmonia_http_requests_total', 'HTTP requests by method, route and status.', requests);
      lines.push('# HELP harmonia_http_request_duration_seconds HTTP request durations by method and route.');
      lines.push('# TYPE harmonia_http_request_duration_seconds histogram');
      for (const [key, cell] of durations) {
        BUCKETS_SECONDS.forEach((le, i) => {
          lines.push(`harmonia_http_request_duration_seconds_bucket${withLabel(key, 'le', String(le))} ${cell.buckets[i] ?? 0}`);
        });
        lines.push(`harmonia_http_request_duration_seconds_bucket${withLabel(key, 'le', '+Inf')} ${cell.count}`);
        lines.push(`harmonia_http_request_duration_seconds_sum${key} ${cell.sum}`);
        lines.push(`harmonia_http_request_duration_seconds_count${key} ${cell.count}`);
      }
      counter(lines, 'harmonia_tasks_total', 'Tasks finished since start, by outcome.', tasks);
      counter(lines, 'harmonia_events_total', 'Execution events published since start, by type.', events);
      return lines.join('\n');
    },
  };
}

const TASK_OUTCOME: Partial<Record<ExecutionEvent['event_type'], string>> = {
  task_completed: 'completed',
  task_failed: 'failed',
  task_skipped: 'skipped',
};

/** A gauge block, for values read at scrape time (executions by status). */
export function renderGauge(name: string, help: string, values: ReadonlyMap<string, number>): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} gauge`];
  for (const [key, value] of values) lines.push(`${name}${key} ${value}`);
  return lines.join('\n');
}

function counter(lines: string[], name: string, help: string, values: ReadonlyMap<string, number>): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
  for (const [key, value] of values) lines.push(`${name}${key} ${value}`);
}

/** Renders a Prometheus label set, escaping values. */
export function labels(set: Record<string, string>): string {
  const parts = Object.entries(set).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return `{${parts.join(',')}}`;
}

function withLabel(key: string, name: string, value: string): string {
  return key === '{}' ? `{${name}="${value}"}` : `${key.slice(0, -1)},${name}="${value}"}`;
}
