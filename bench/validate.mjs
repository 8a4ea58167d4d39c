#!/usr/bin/env node
// Benchmarks `harmonia validate` against a raw YAML parse of the same files.
//
//   npm run build && node bench/validate.mjs [--files 1000] [--tasks 30] [--runs 3] [--keep]
//
// 1. Generates a pack of --files workflows of about --tasks tasks each (depends_on
//    fan-in/fan-out, ${...} expressions, retries, conditions) in a temp folder.
// 2. Times `node dist/cli.js validate <pack> --format json` as a whole process, and
//    yaml's parseDocument over every file (read included) in this process; prints
//    files/s for both and their ratio (target ≤ 1.5x).
// 3. Times `harmonia validate` of one small file: wall clock, median of 10 runs
//    (target < 300 ms).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'dist', 'cli.js');

function parseArgs(argv) {
  const opts = { files: 1000, tasks: 30, runs: 3, keep: false };
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
    else if (arg === '-h' || arg === '--help') usage();
    else usage(`unknown argument ${arg}`);
  }
  return opts;
}

function usage(message) {
  if (message) process.stderr.write(`validate.mjs: ${message}\n`);
  process.stderr.write('usage: node bench/validate.mjs [--files N] [--tasks N] [--runs N] [--keep]\n');
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

function runCli(args, cwd) {
  const start = performance.now();
  const res = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const ms = performance.now() - start;
  if (res.error) throw res.error;
  return { ms, code: res.status, stdout: res.stdout, stderr: res.stderr };
}

function timeYamlParse(pack) {
  const start = performance.now();
  let count = 0;
  for (const sub of ['', 'workflows']) {
    const dir = join(pack, sub);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
      const doc = parseDocument(readFileSync(join(dir, entry.name), 'utf8'));
      if (doc.errors.length) throw new Error(`${entry.name}: ${doc.errors[0].message}`);
      count++;
    }
  }
  return { ms: performance.now() - start, count };
}

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
    const yamlTimes = [];
    for (let i = 0; i < opts.runs; i++) {
      cliTimes.push(runCli(['validate', pack, '--format', 'json'], dir).ms);
      yamlTimes.push(timeYamlParse(pack).ms);
    }
    const cliMs = median(cliTimes);
    const yamlMs = median(yamlTimes);
    const ratio = cliMs / yamlMs;

    // The one-file case lives in a tree of its own: the validator also loads the
    // packs next to a file's pack (for cross-pack refs), and the big one would be one.
    const smallPack = join(dir, 'small-tree', 'packs', 'small');
    mkdirSync(join(smallPack, 'workflows'), { recursive: true });
    writeFileSync(join(smallPack, 'pack.yaml'), 'ref: small\nversion: 1.0.0\n');
    const small = join(smallPack, 'workflows', 'hello.yaml');
    writeFileSync(small, workflowYaml(0, 3, createRandom(7)));
    const singleTimes = Array.from({ length: 10 }, () => runCli(['validate', small], dir).ms);
    const singleMs = median(singleTimes);

    printTable([
      ['yaml parseDocument (in process)', fmt(fileCount), fmt(yamlMs), fmt((fileCount / yamlMs) * 1000), 'baseline', ''],
      ['harmonia validate --format json', fmt(fileCount), fmt(cliMs), fmt((fileCount / cliMs) * 1000), `${fmt(ratio, 2)}x yaml`, '≤ 1.50x'],
      ['harmonia validate <one file>', '1', fmt(singleMs), '', 'wall clock', '< 300 ms'],
    ]);
    console.log(`\nvalidate/yaml ratio ${fmt(ratio, 2)}x (${ratio <= 1.5 ? 'meets' : 'misses'} the 1.5x target); one file ${fmt(singleMs)} ms (${singleMs < 300 ? 'meets' : 'misses'} the 300 ms target)`);
    console.log(`runs: ${opts.runs} (large), 10 (one file); node ${process.version}`);
  } finally {
    if (opts.keep) console.log(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

main();
