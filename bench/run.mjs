// Runs benchmarks in turn (npm run bench builds first) and prints one summary of every
// row of the performance table (issue 16) with its same-run baseline.
//
//   node bench/run.mjs [name ...] [--json FILE]
//
// scale and failover need PostgreSQL: HARMONIA_BENCH_DATABASE_URL, else HARMONIA_TEST_DATABASE_URL, else the local server.
//
// The protocol (also in docs/performance.md): a bench script prints its own figures as
// it likes, and for each row of the table one line on stdout, at column 0:
//
//   BENCH {"row":"validate.files","value":1.12,"unit":"x","baseline":812,"baselineUnit":"ms (yaml parse)","ratio":1.12,"target":"ratio <= 1.2"}
//
// - row: a stable id (ROWS below; a new one is `<area>.<what>`); value: a number in unit.
// - baseline: the figure measured in the same run (or null), in baselineUnit (default unit);
//   ratio: value / baseline as the table states it (or null).
// - target: `<field> <op> <number>` joined by " and ", field `value`, `ratio` or any
//   extra numeric field of the line (say `p99`), op `<=` or `>=`.
// - note: optional text (the baseline's name, the load average...).
// A row printed twice keeps the last line. A missed target is not a failure: a script
// exits nonzero only when it could not measure.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const ALL = ['validate', 'validate-tasks', 'engine', 'http', 'watch', 'scale', 'pg-row', 'failover', 'logs', 'console', 'subscribers', 'triggers', 'waits', 'rss'];

/** Issue 16's table, in its order: what `npm run bench` must show even when unmeasured. */
const ROWS = [
  ['engine.wide', 'durable no-op tasks/s, one execution, concurrency 10: wide'],
  ['engine.layered', 'same, layered'],
  ['engine.chain', 'same, chain'],
  ['engine.many-executions', 'durable tasks/s, 100 executions at once'],
  ['http.get-status', 'GET execution status, 50 connections'],
  ['http.post-executions', 'POST /executions'],
  ['validate.files', 'harmonia validate, 1,000 files of 30 tasks, whole process'],
  ['validate.one-pack', 'harmonia validate of one pack, whole process'],
  ['watch.save-to-version', 'dev mode, file save → new version registered'],
  ['pg.tasks', 'PostgreSQL, one node, no-op DAG tasks/s'],
  ['pg.failover', 'failover after SIGKILL of a node (PostgreSQL)'],
  ['rss.executions', 'server RSS after 10,000 executions'],
  ['rss.subscribers', 'server RSS with 1,000 idle subscribers'],
];

/** The BENCH object of one output line, or null when the line is something else. */
export function parseBenchLine(line) {
  if (!line.startsWith('BENCH ')) return null;
  try {
    const row = JSON.parse(line.slice(6));
    return row && typeof row.row === 'string' && typeof row.value === 'number' ? row : null;
  } catch {
    return null;
  }
}

/** true when every clause of `target` holds for `row`, false when one fails, null when it cannot be judged. */
export function meetsTarget(row) {
  if (typeof row.target !== 'string' || row.target.trim() === '') return null;
  let verdict = true;
  for (const clause of row.target.split(/\s+and\s+/)) {
    const match = /^\s*([a-zA-Z_][\w]*)\s*(<=|>=|<|>)\s*(-?[\d.]+)\s*$/.exec(clause);
    const actual = match ? row[match[1]] : undefined;
    if (!match || typeof actual !== 'number') return null;
    const limit = Number(match[3]);
    const ok = { '<=': actual <= limit, '>=': actual >= limit, '<': actual < limit, '>': actual > limit }[match[2]];
    verdict &&= ok;
  }
  return verdict;
}

function runScript(dir, name, rows) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [`${dir}${name}.mjs`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    const take = (line) => {
      process.stdout.write(`${line}\n`);
      const row = parseBenchLine(line);
      if (row) rows.set(row.row, { ...row, script: name });
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(take);
    });
    child.on('close', (code) => {
      if (pending) take(pending);
      resolve(code ?? 1);
    });
  });
}

const num = (n) => (typeof n === 'number' ? n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 3 : n < 1000 ? 1 : 0 }) : '—');

function printSummary(rows) {
  const known = new Set(ROWS.map(([id]) => id));
  const lines = [
    ...ROWS.map(([id, label]) => [id, label, rows.get(id)]),
    ...[...rows.values()].filter((r) => !known.has(r.row)).map((r) => [r.row, r.label ?? '', r]),
  ].map(([id, label, r]) =>
    r
      ? [id, label, `${num(r.value)} ${r.unit ?? ''}`.trim(), r.baseline == null ? '—' : `${num(r.baseline)} ${r.baselineUnit ?? r.unit ?? ''}`.trim(), r.ratio == null ? '—' : `${num(r.ratio)}x`, r.target ?? '', { true: 'meets', false: 'MISSES', null: '?' }[String(meetsTarget(r))]]
      : [id, label, 'not measured', '', '', '', ''],
  );
  const headers = ['row', 'what', 'value', 'baseline (same run)', 'ratio', 'target', ''];
  const widths = headers.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const fmt = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd();
  console.log(`\n== summary (load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  console.log(fmt(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const line of lines) console.log(fmt(line));
}

async function main() {
  const args = process.argv.slice(2);
  let jsonFile = null;
  const names = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--json') {
      jsonFile = args[++i];
      if (!jsonFile) {
        console.error('--json needs a file name');
        process.exit(2);
      }
    } else names.push(args[i]);
  }
  const wanted = names.length ? names : ALL;
  for (const name of wanted) {
    if (!ALL.includes(name)) {
      console.error(`unknown benchmark '${name}'; choose from ${ALL.join(', ')}`);
      process.exit(2);
    }
  }
  const dir = fileURLToPath(new URL('.', import.meta.url));
  const rows = new Map();
  const failed = [];
  const startLoad = loadavg();
  for (const name of wanted) {
    console.log(`\n== ${name}`);
    if ((await runScript(dir, name, rows)) !== 0) failed.push(name);
  }
  printSummary(rows);
  if (failed.length) console.log(`\nfailed to run: ${failed.join(', ')}`);
  if (jsonFile) {
    const report = { when: new Date().toISOString(), node: process.version, loadavg: { start: startLoad, end: loadavg() }, scripts: wanted, failed, rows: [...rows.values()].map((r) => ({ ...r, meets: meetsTarget(r) })) };
    writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`wrote ${jsonFile}`);
  }
  process.exit(failed.length ? 1 : 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
