/**
 * What the fast-path differential tests (status-fast-path, start-fast-path) share: two
 * servers on one app, raw requests over real sockets, and the request metrics to compare.
 */
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { pino, type Logger } from 'pino';
import { appInternals } from '../../../src/server/app.js';

export interface Raw {
  status: number;
  headers: string[];
  body: string;
}

export interface Pair {
  url: string;
  server: Server;
}

export async function listen(server: Server): Promise<Pair> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A logger whose lines land, parsed, in `logs`. */
export function capturingLogger(logs: Array<Record<string, unknown>>): Logger {
  return pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
}

/** One request by host, port and path (a URL would lose a bare '?'); the body in `encoding`. */
export function send(
  base: string,
  path: string,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  encoding: BufferEncoding,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const req = request({ hostname, port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.rawHeaders, body: Buffer.concat(chunks).toString(encoding) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The request metrics as series → value (counts only: durations differ by nature). */
export function requestCounts(app: Koa): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of appInternals(app).services.metrics.render().split('\n')) {
    if (!line.startsWith('harmonia_http_requests_total{') && !line.startsWith('harmonia_http_request_duration_seconds_count{')) continue;
    const space = line.lastIndexOf(' ');
    counts.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return counts;
}

export function countsAdded(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const added: Record<string, number> = {};
  for (const [series, value] of after) if (value !== (before.get(series) ?? 0)) added[series] = value - (before.get(series) ?? 0);
  return added;
}
