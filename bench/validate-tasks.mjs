#!/usr/bin/env node
// Validation time against workflow size: one workflow of N tasks in a chain, each task
// reading the first one's output (the shape that made upstream sets quadratic), for
// several N, next to yaml's own parseDocument of the same text measured in the same run.
// Linear validation keeps the ratio flat as N grows.
//
//   npm run build && node bench/validate-tasks.mjs [--sizes 5000,25000,60000]
//
// Prints a BENCH line (row validate.tasks-25k, see bench/run.mjs) for 25,000 tasks:
// issue 10 asks for "25k tasks well under a second".
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { runPipeline } = await import(join(ROOT, 'dist', 'packs', 'run-pipeline.js'));
const at = process.argv.indexOf('--sizes');
const sizes = (at > 0 ? process.argv[at + 1] : '5000,25000,60000').split(',').map(Number);

function chain(n) {
  const lines = ['version: 1.0.0', 'tasks:'];
  for (let i = 0; i < n; i += 1) {
    lines.push(`  t${i}:`, '    action: core.noop');
    if (i > 0) lines.push(`    depends_on: [t${i - 1}]`, `    input: { v: "\${tasks.t0.output}", w: "\${tasks.t${i - 1}.output}" }`);
  }
  return `${lines.join('\n')}\n`;
}

const bench = [];
const dir = mkdtempSync(join(tmpdir(), 'harmonia-bench-tasks-'));
try {
  console.log('tasks    bytes      yaml ms   validate ms   ratio');
  for (const n of sizes) {
    const text = chain(n);
    mkdirSync(join(dir, 'packs', 'big', 'workflows'), { recursive: true });
    writeFileSync(join(dir, 'packs', 'big', 'pack.yaml'), 'ref: big\nversion: 1.0.0\n');
    writeFileSync(join(dir, 'packs', 'big', 'workflows', 'flow.yaml'), text);
    let start = performance.now();
    parseDocument(text, { lineCounter: new LineCounter(), uniqueKeys: false }).toJS();
    const yamlMs = performance.now() - start;
    start = performance.now();
    const result = await runPipeline([join(dir, 'packs')], { max_file_size: 64 * 1024 * 1024, max_workflow_size: 64 * 1024 * 1024, max_task_count: n });
    const validateMs = performance.now() - start;
    if (result.diagnostics.length > 0) throw new Error(`unexpected diagnostics: ${result.diagnostics[0].message}`);
    if (n === 25000) {
      const row = { row: 'validate.tasks-25k', label: 'validate one workflow of 25,000 tasks, in process', value: validateMs, unit: 'ms', baseline: yamlMs, baselineUnit: 'ms (yaml parseDocument + toJS)', ratio: validateMs / yamlMs, target: 'value <= 1000' };
      bench.push(`BENCH ${JSON.stringify(row, (_, v) => (typeof v === 'number' ? Number(v.toFixed(3)) : v))}`);
    }
    console.log(
      `${String(n).padEnd(8)} ${String(text.length).padEnd(10)} ${yamlMs.toFixed(0).padStart(7)} ${validateMs.toFixed(0).padStart(13)} ${(validateMs / yamlMs).toFixed(2).padStart(7)}`,
    );
  }
  for (const line of bench) console.log(line);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
