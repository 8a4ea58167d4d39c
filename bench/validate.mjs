#!/usr/bin/env node
// Benchmarks `harmonia validate` against a raw YAML parse of the same files.
//
//   npm run build && node bench/validate.mjs [--files 1000] [--tasks 30] [--runs 5] [--keep]
//                                            [--compare OTHER/dist/cli.js]
//
// 1. Generates a pack of --files workflows of about --tasks tasks each (depends_on
//    fan-in/fan-out, ${...} expressions, retries, conditions) in a temp folder.
// 2. Times, as whole processes and interleaved run by run (the machine's load hits all
//    alike), `node dist/cli.js validate <pack> --format json` and two baselines that
//    read every file from disk in a fresh node process: yaml's parseDocument with a
//    LineCounter (what any validator that reports line:column must do at least; the
//    ratio is against this one, target ≤ 1.2x: the median of run-by-run ratios) and
//    yaml's plain parse() (a value, no positions). Also prints the baseline's
//    in-process time (without node's start-up).
// 3. Times `harmonia validate` of one pack (the repository's packs/ci_cd) against
//    `node -e 0`, whole processes, median of 10 interleaved runs (target ≤ 150 ms), and
//    of one small file, in a tree of its own and in a pack next to the big one.
// Prints BENCH lines (rows validate.files and validate.one-pack; see bench/run.mjs).
// --compare times another build of the CLI (say, a copy of an older commit) in the same
// interleaved runs, for before/after figures on a noisy machine.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'dist', 'cli.js');
// The same yaml build the CLI loads (package "node" export).
const YAML_URL = pathToFileURL(createRequire(join(ROOT, 'package.json')).resolve('yaml')).href;

function parseArgs(argv) {
  const opts = { files: 1000, tasks: 30, runs: 5, keep: false, compare: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const num = () => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) usage(`${arg} needs a whole number ≥ 1`);
      return n;
    };
    if (arg === '--files') opts.files = num();
    else if (arg === '--tasks') opts.tasks = num();
    else if (arg === '--runs') opts.runs = num();
    else if (arg === '--keep') opts.keep = true;
    else if (arg === '--compare') opts.compare = argv[++i] ?? usage('--compare needs the path of another dist/cli.js');
    else if (arg === '-h' || arg === '--help') usage();
    else usage(`unknown argument ${arg}`);
  }
  return opts;
}

function usage(message) {
  if (message) process.stderr.write(`validate.mjs: ${message}\n`);
  process.stderr.write('usage: node bench/validate.mjs [--files N] [--tasks N] [--runs N] [--keep] [--compare CLI]\n');
  process.exit(message ? 2 : 0);
}

// A small deterministic generator, so every run measures the same files.
function createRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function workflowYaml(index, taskCount, random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const lines = [
    'version: 1.0.0',
    `name: Generated workflow ${index}`,
    `description: Benchmark workflow number ${index} with ${taskCount} tasks`,
    'input:',
    '  environment: { type: string, required: true, enum: [staging, production] }',
    '  replicas: { type: integer, default: 2 }',
    '  dry_run: { type: boolean, default: false }',
    'context:',
    '  region: eu-west-1',
    '  owner: platform-team',
    'tasks:',
  ];
  for (let t = 0; t < taskCount; t++) {
    const id = `step_${String(t).padStart(2, '0')}`;
    // Depend on one to three earlier tasks: a DAG with fan-out and fan-in.
    const deps = t === 0 ? [] : [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => Math.floor(random() * t)))].sort((a, b) => a - b);
    const depIds = deps.map((d) => `step_${String(d).padStart(2, '0')}`);
    const upstream = depIds[0];
    lines.push(`  ${id}:`);
    const kind = t === 0 ? 'echo' : pick(['echo', 'echo', 'shell', 'http', 'noop', 'sleep']);
    lines.push(`    action: core.${kind}`);
    if (depIds.length) lines.push(`    depends_on: [${depIds.join(', ')}]`);
    if (upstream && random() < 0.2) lines.push(`    condition: "\${tasks.${upstream}.status == 'completed' && input.dry_run == false}"`);
    lines.push('    input:');
    if (kind === 'echo') {
      lines.push(`      message: "deploying to \${input.environment} in \${context.region}"`);
      if (upstream) lines.push(`      previous: "\${tasks.${upstream}.output}"`);
      lines.push(`      replicas: "\${input.replicas * 2}"`);
    } else if (kind === 'shell') {
      lines.push(`      argv: [echo, "${id}", "\${input.environment}"]`);
      lines.push(`      env: { OWNER: "\${context.owner}" }`);
    } else if (kind === 'http') {
      lines.push('      method: POST');
      lines.push(`      url: "https://deploy.example.test/\${input.environment}/${id}"`);
      lines.push(`      body: { step: ${t}, source: "\${tasks.${upstream}.output.message}" }`);
      lines.push('      timeout_ms: 10000');
    } else if (kind === 'sleep') {
      lines.push(`      ms: ${10 + Math.floor(random() * 100)}`);
    } else {
      lines.pop(); // core.noop takes no input
    }
    if (random() < 0.4) {
      lines.push(`    retry: { max_attempts: ${2 + Math.floor(random() * 3)}, initial_delay_ms: 500, backoff_factor: 2, max_delay_ms: 30000, retriable_errors: [CONNECTION_ERROR, TIMEOUT] }`);
    }
    if (random() < 0.3) lines.push(`    timeout_ms: ${(1 + Math.floor(random() * 10)) * 60000}`);
  }
  const last = `step_${String(taskCount - 1).padStart(2, '0')}`;
  lines.push('output:', `  result: "\${tasks.${last}.output}"`, `  environment: "\${input.environment}"`, '');
  return lines.join('\n');
}

function generatePack(dir, files, tasks) {
  const pack = join(dir, 'packs', 'bench');
  mkdirSync(join(pack, 'workflows'), { recursive: true });
  writeFileSync(join(pack, 'pack.yaml'), 'ref: bench\nversion: 1.0.0\ndescription: Generated for bench/validate.mjs\n');
  const random = createRandom(42);
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const text = workflowYaml(i, tasks, random);
    bytes += text.length;
    writeFileSync(join(pack, 'workflows', `wf_${String(i).padStart(4, '0')}.yaml`), text);
  }
  return { pack, bytes };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// This machine sets NODE_EXTRA_CA_CERTS, and Node 20 reads that whole bundle at every
// start, `node -e 0` included (~45 ms here); a developer's machine seldom sets it. The one
// pack is also timed with it removed, beside a `node -e 0` without it, so both are printed.
const ENV = { ...process.env, NO_COLOR: '1' };
const ENV_NO_EXTRA_CA = { ...ENV };
delete ENV_NO_EXTRA_CA.NODE_EXTRA_CA_CERTS;

function runCli(args, cwd, bin = BIN, env = ENV) {
  const start = performance.now();
  const res = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env,
  });
  const ms = performance.now() - start;
  if (res.error) throw res.error;
  return { ms, code: res.status, stdout: res.stdout, stderr: res.stderr };
}

// The baseline runs in a process of its own, like the CLI: node start-up, the yaml
// import and reading the files count for both. It reports its in-process time too.
const BASELINE = `
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const { LineCounter, parse, parseDocument } = await import(process.argv[1]);
const [pack, mode] = process.argv.slice(2);
const start = performance.now();
let count = 0;
for (const sub of ['', 'workflows']) {
  const dir = join(pack, sub);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile() || !/\\.ya?ml$/.test(entry.name)) continue;
    const text = readFileSync(join(dir, entry.name), 'utf8');
    if (mode === 'parse') {
      parse(text);
    } else {
      const doc = parseDocument(text, { lineCounter: new LineCounter() });
      if (doc.errors.length) throw new Error(entry.name + ': ' + doc.errors[0].message);
    }
    count++;
  }
}
process.stdout.write(JSON.stringify({ ms: performance.now() - start, count }));
`;

function timeYaml(pack, mode) {
  const start = performance.now();
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', BASELINE, YAML_URL, pack, mode], { encoding: 'utf8' });
  const ms = performance.now() - start;
  if (res.status !== 0) throw new Error(`yaml baseline failed: ${res.stderr}`);
  return { ms, inProcessMs: JSON.parse(res.stdout).ms };
}

/** One machine-readable figure for bench/run.mjs (the protocol is described there). */
const bench = (row) => console.log(`BENCH ${JSON.stringify(row, (_, v) => (typeof v === 'number' ? Number(v.toFixed(3)) : v))}`);

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

function printTable(rows) {
  const headers = ['measurement', 'files', 'median ms', 'files/s', 'result', 'target'];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 || i >= 4 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ').trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  try {
    readFileSync(BIN);
  } catch {
    usage(`${BIN} is missing: run \`npm run build\` first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-bench-'));
  try {
    const { pack, bytes } = generatePack(dir, opts.files, opts.tasks);
    const fileCount = opts.files + 1;
    console.log(`generated ${fmt(opts.files)} workflows × ${opts.tasks} tasks (+ pack.yaml), ${fmt(bytes / 1024 / 1024, 1)} MiB in ${pack}\n`);

    // Warm the file cache and check the generated pack is valid, so we time the normal path.
    const check = runCli(['validate', pack, '--format', 'json'], dir);
    const report = JSON.parse(check.stdout);
    if (check.code !== 0 || !report.valid) {
      const first = report.diagnostics.find((d) => d.severity === 'error');
      console.log(`warning: the generated pack is not valid (exit ${check.code}): ${first ? `${first.file}:${first.line} ${first.code} ${first.message}` : check.stderr}`);
    }

    const cliTimes = [];
    const docTimes = [];
    const docInProcess = [];
    const parseTimes = [];
    const otherTimes = [];
    for (let i = 0; i < opts.runs; i++) {
      if (opts.compare) otherTimes.push(runCli(['validate', pack, '--format', 'json'], dir, opts.compare).ms);
      const doc = timeYaml(pack, 'document');
      docTimes.push(doc.ms);
      docInProcess.push(doc.inProcessMs);
      cliTimes.push(runCli(['validate', pack, '--format', 'json'], dir).ms);
      parseTimes.push(timeYaml(pack, 'parse').ms);
    }
    const cliMs = median(cliTimes);
    const yamlMs = median(docTimes);
    const parseMs = median(parseTimes);
    // The median of run-by-run ratios: each pair ran back to back, under the same load.
    const ratio = median(cliTimes.map((ms, i) => ms / docTimes[i]));
    const otherRatio = median(otherTimes.map((ms, i) => ms / docTimes[i]));

    // One small file, first in a tree of its own, then in a pack next to the big one:
    // validating a file loads its pack and the packs that pack depends on, not every
    // pack of the folder, so the second should cost the same as the first.
    const smallFile = (packsDir) => {
      const smallPack = join(packsDir, 'small');
      mkdirSync(join(smallPack, 'workflows'), { recursive: true });
      writeFileSync(join(smallPack, 'pack.yaml'), 'ref: small\nversion: 1.0.0\n');
      const file = join(smallPack, 'workflows', 'hello.yaml');
      writeFileSync(file, workflowYaml(0, 3, createRandom(7)));
      return file;
    };
    const rate = (ms) => fmt((fileCount / ms) * 1000);
    // Round-robin, so a burst of load on the machine hits every configuration alike.
    const alone = smallFile(join(dir, 'small-tree', 'packs'));
    const beside = smallFile(join(pack, '..'));
    const hasExtraCa = process.env.NODE_EXTRA_CA_CERTS !== undefined;
    const configs = [
      [join(ROOT, 'packs', 'ci_cd'), BIN, ENV],
      [null, null, ENV],
      [join(ROOT, 'packs', 'ci_cd'), BIN, ENV_NO_EXTRA_CA],
      [null, null, ENV_NO_EXTRA_CA],
      [alone, BIN, ENV],
      [beside, BIN, ENV],
      ...(opts.compare ? [[alone, opts.compare, ENV], [beside, opts.compare, ENV]] : []),
    ];
    const oneFileTimes = configs.map(() => []);
    const nodeOnly = (env) => {
      const start = performance.now();
      spawnSync(process.execPath, ['-e', '0'], { env });
      return { ms: performance.now() - start };
    };
    for (let i = 0; i < 10; i++) configs.forEach(([file, bin, env], c) => oneFileTimes[c].push((file === null ? nodeOnly(env) : runCli(['validate', file], dir, bin, env)).ms));
    const [packMs, nodeMs, packNoCaMs, nodeNoCaMs, singleMs, besideMs, otherSingleMs, otherBesideMs] = oneFileTimes.map(median);
    const compared = opts.compare
      ? [
          [`--compare validate --format json`, fmt(fileCount), fmt(median(otherTimes)), rate(median(otherTimes)), `${fmt(otherRatio, 2)}x baseline`, ''],
          ['--compare <one file>', '1', fmt(otherSingleMs), '', 'wall clock', ''],
          ['  same, next to the big one', '1', fmt(otherBesideMs), '', 'wall clock', ''],
        ]
      : [];

    printTable([
      ['yaml parseDocument + LineCounter', fmt(fileCount), fmt(yamlMs), rate(yamlMs), 'baseline', ''],
      ['  same, in-process time only', fmt(fileCount), fmt(median(docInProcess)), rate(median(docInProcess)), '(no start-up)', ''],
      ['yaml parse() (no positions)', fmt(fileCount), fmt(parseMs), rate(parseMs), `${fmt(parseMs / yamlMs, 2)}x baseline`, ''],
      ['harmonia validate --format json', fmt(fileCount), fmt(cliMs), rate(cliMs), `${fmt(ratio, 2)}x baseline`, '≤ 1.20x'],
      ['node -e 0', '', fmt(nodeMs), '', 'baseline', ''],
      ['harmonia validate packs/ci_cd', '13', fmt(packMs), '', `${fmt(packMs / nodeMs, 2)}x node -e 0`, '≤ 150 ms'],
      ...(hasExtraCa
        ? [
            ['node -e 0, NODE_EXTRA_CA_CERTS unset', '', fmt(nodeNoCaMs), '', 'baseline', ''],
            ['  harmonia validate packs/ci_cd, same', '13', fmt(packNoCaMs), '', `${fmt(packNoCaMs / nodeNoCaMs, 2)}x node -e 0`, '≤ 150 ms'],
          ]
        : []),
      ['harmonia validate <one file>', '1', fmt(singleMs), '', 'wall clock', ''],
      ['  same, its pack next to the big one', '1', fmt(besideMs), '', 'wall clock', ''],
      ...compared,
    ]);
    console.log(`\nvalidate/parseDocument ratio ${fmt(ratio, 2)}x (${ratio <= 1.2 ? 'meets' : 'misses'} the 1.2x target), ${fmt(cliMs / parseMs, 2)}x parse(); one pack ${fmt(packMs)} ms, ${fmt(packMs - nodeMs)} ms more than node -e 0 (${packMs <= 150 ? 'meets' : 'misses'} the 150 ms target)`);
    console.log(`whole processes, median of ${opts.runs} interleaved runs (large), 10 interleaved (one pack, one file); node ${process.version}, load average ${loadavg()[0].toFixed(1)}`);
    bench({ row: 'validate.files', value: ratio, unit: 'x', baseline: yamlMs, baselineUnit: 'ms (yaml parseDocument + LineCounter, whole process)', ratio, target: 'ratio <= 1.2', validate_ms: cliMs, files: fileCount });
    bench({ row: 'validate.one-pack', value: packMs, unit: 'ms', baseline: nodeMs, baselineUnit: 'ms (node -e 0)', ratio: packMs / nodeMs, target: 'value <= 150', above_node_ms: packMs - nodeMs, ...(hasExtraCa ? { without_extra_ca_ms: packNoCaMs, node_without_extra_ca_ms: nodeNoCaMs, note: 'this machine sets NODE_EXTRA_CA_CERTS; without_extra_ca_ms is the same run with it unset' } : {}) });
  } finally {
    if (opts.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main();
