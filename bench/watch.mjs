#!/usr/bin/env node
// Benchmarks dev mode: how long from saving a workflow file until the registry holds
// the new version and the pack_synced event has been delivered.
//
//   npm run build && node bench/watch.mjs [--edits 50] [--debounce MS] [--dist DIR] [--keep]
//
// 1. Creates a packs folder with one pack (3 workflows, 1 action) and a SQLite store
//    (synchronous=FULL, as the server runs) in a temp folder.
// 2. Starts dev mode (chokidar watch + per-pack debounce + sync) on it.
// 3. --edits times: writes a changed workflow, waits for the pack_synced event that
//    carries the new version, reads the active version back from the store, and
//    records the elapsed time. Prints min / median / p90 / max and the median against
//    the 40 ms target (issue 16), and a BENCH line (row watch.save-to-version, see
//    bench/run.mjs). The debounce (default: the dev_debounce_ms setting) is part of the
//    measured time; the sync's own time is printed beside it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGET_MS = 40;

function parseArgs(argv) {
  const opts = { edits: 50, debounce: null, dist: join(ROOT, 'dist'), keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const num = (min) => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < min) usage(`${arg} needs a whole number ≥ ${min}`);
      return n;
    };
    if (arg === '--edits') opts.edits = num(1);
    else if (arg === '--debounce') opts.debounce = num(0);
    else if (arg === '--dist') opts.dist = resolve(argv[++i] ?? usage('--dist needs a folder'));
    else if (arg === '--keep') opts.keep = true;
    else if (arg === '-h' || arg === '--help') usage();
    else usage(`unknown argument ${arg}`);
  }
  return opts;
}

function usage(message) {
  if (message) process.stderr.write(`watch.mjs: ${message}\n`);
  process.stderr.write('usage: node bench/watch.mjs [--edits N] [--debounce MS] [--dist DIR] [--keep]\n');
  process.exit(message ? 2 : 0);
}

function workflow(description) {
  return [
    'version: 1.0.0',
    `description: ${description}`,
    'input:',
    '  env: { type: string, default: staging }',
    'tasks:',
    '  build:',
    '    action: bench.build',
    '    input: { target: "${input.env}" }',
    '  test:',
    '    action: core.echo',
    '    depends_on: [build]',
    '    input: { image: "${tasks.build.output.image}" }',
    '  deploy:',
    '    action: core.echo',
    '    depends_on: [test]',
    '    retry: { max_attempts: 3, initial_delay_ms: 100, backoff_factor: 2, max_delay_ms: 1000 }',
    '    input: { note: "deploying ${tasks.build.output.image} to ${input.env}" }',
    '',
  ].join('\n');
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const load = (file) => import(pathToFileURL(join(opts.dist, file)).href);
  const { createSqliteStore } = await load('store/sqlite/sqlite-store.js');
  const { createPackSyncService } = await load('packs/sync-packs.js');
  const { createDevMode } = await load('gitops/dev-mode.js');
  const { createPackEvents } = await load('gitops/pack-events.js');
  const { SETTINGS } = await load('core/settings.js');
  opts.debounce ??= SETTINGS.dev_debounce_ms.default;

  const root = mkdtempSync(join(tmpdir(), 'harmonia-bench-watch-'));
  const packsDir = join(root, 'packs');
  const pack = join(packsDir, 'bench');
  mkdirSync(join(pack, 'workflows'), { recursive: true });
  mkdirSync(join(pack, 'actions'), { recursive: true });
  writeFileSync(join(pack, 'pack.yaml'), 'ref: bench\nversion: 1.0.0\n');
  writeFileSync(join(pack, 'actions/build.yaml'), 'description: Build\nrunner: shell\nentry_point: build.sh\n');
  writeFileSync(join(pack, 'actions/build.sh'), '#!/bin/sh\necho \'{"image":"app:1"}\'\n');
  for (const name of ['deploy', 'release', 'nightly']) writeFileSync(join(pack, `workflows/${name}.yaml`), workflow(`${name} 0`));

  const store = createSqliteStore({ file: join(root, 'harmonia.db') });
  // Each sync's own time (load, parse, validate, register, commit), to tell it from the
  // debounce and the file events in the total.
  const syncTimes = [];
  const events = createPackEvents();
  let waiter = null;
  events.on('pack_synced', (event) => {
    const version = event.data.registered?.find((r) => r.ref === 'bench.deploy')?.version;
    if (waiter && version === waiter.version) waiter.resolve();
  });
  const dev = createDevMode({
    packsDir,
    store,
    syncService: createPackSyncService({ store, packsDir }),
    events,
    debounceMs: opts.debounce,
    log: () => {},
    onResult: (result) => {
      if (result.trigger === 'change') syncTimes.push(result.duration_ms);
    },
  });
  await dev.ready;
  if ((await store.registry.getActive('workflow', 'bench.deploy'))?.version !== 1) {
    throw new Error('the initial sync did not register bench.deploy; run with --keep and `harmonia validate` the folder');
  }

  const samples = [];
  try {
    for (let i = 1; i <= opts.edits; i++) {
      const version = i + 1;
      // A lost event must fail the run, not hang it.
      let timer;
      const delivered = new Promise((resolve, reject) => {
        waiter = { version, resolve };
        timer = setTimeout(() => reject(new Error(`no pack_synced for version ${version} within 10 s`)), 10_000);
      }).finally(() => clearTimeout(timer));
      const started = performance.now();
      writeFileSync(join(pack, 'workflows/deploy.yaml'), workflow(`deploy ${i}`));
      await delivered;
      const active = await store.registry.getActive('workflow', 'bench.deploy');
      if (active?.version !== version) throw new Error(`expected version ${version} active, found ${active?.version}`);
      samples.push(performance.now() - started);
    }
  } finally {
    await dev.close();
    await store.close();
    if (opts.keep) process.stdout.write(`kept ${root}\n`);
    else rmSync(root, { recursive: true, force: true });
  }

  const sorted = [...samples].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  const fmt = (ms) => `${ms.toFixed(1)} ms`;
  process.stdout.write(
    [
      `dev mode: file write → new version registered + pack_synced delivered (${opts.edits} edits, debounce ${opts.debounce} ms)`,
      `  min ${fmt(sorted[0])}  median ${fmt(median)}  p90 ${fmt(percentile(sorted, 90))}  max ${fmt(sorted.at(-1))}`,
      `  of which the sync itself (load → register): median ${fmt(percentile([...syncTimes].sort((a, b) => a - b), 50))}, p90 ${fmt(percentile([...syncTimes].sort((a, b) => a - b), 90))}`,
      `  median / target (${TARGET_MS} ms): ${(median / TARGET_MS).toFixed(2)}x ${median < TARGET_MS ? '(ok)' : '(over target)'}`,
      `BENCH ${JSON.stringify({ row: 'watch.save-to-version', value: Number(median.toFixed(2)), unit: 'ms (median)', baseline: null, ratio: null, target: `value <= ${TARGET_MS}`, p90: Number(percentile(sorted, 90).toFixed(2)), debounce_ms: opts.debounce, edits: opts.edits })}`,
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  process.stderr.write(`watch.mjs: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
