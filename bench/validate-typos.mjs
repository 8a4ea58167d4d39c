// CPU time of the pack pipeline on trees full of typos, whose every diagnostic asks for a
// "did you mean". `node bench/validate-typos.mjs [dist dir]` (default ./dist); run it
// alternately against two builds to compare them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = resolve(process.argv[2] ?? 'dist');
const { runPipeline } = await import(pathToFileURL(join(dist, 'packs/run-pipeline.js')).href);
const n = 900;
const trees = {
  unknown_depends_on: { w: 'version: 1\ntasks:\n' + Array.from({ length: n }, (_, i) => `  task_${i}: { action: core.noop, depends_on: [tsak_${i}] }\n`).join('') },
  unknown_task_reads: { w: 'version: 1\ntasks:\n' + Array.from({ length: n }, (_, i) => `  task_${i}: { action: core.echo, input: { m: "\${tasks.tsak_${i}.output}" } }\n`).join('') },
  unknown_child_workflows: Object.fromEntries(Array.from({ length: n }, (_, i) => [`w${i}`, `version: 1\ntasks:\n  a: { action: core.workflow, input: { workflow: p.x${i} } }\n`])),
  one_long_typo: { w: `version: 1\ntasks:\n  - id: ${'a'.repeat(20000)}\n    action: core.noop\n  - id: b\n    action: core.noop\n    depends_on: [${'a'.repeat(20000)}b]\n` },
};
const root = mkdtempSync(join(tmpdir(), 'harmonia-typos-'));
try {
  const row = [];
  for (const [name, files] of Object.entries(trees)) {
    const dir = join(root, name);
    mkdirSync(join(dir, 'p', 'workflows'), { recursive: true });
    writeFileSync(join(dir, 'p', 'pack.yaml'), 'ref: p\nversion: 1.0.0\n');
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, 'p', 'workflows', `${file}.yaml`), text);
    await runPipeline([dir]);
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const start = process.cpuUsage();
      await runPipeline([dir]);
      const used = process.cpuUsage(start);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    row.push(`${name} ${best.toFixed(0)} ms`);
  }
  console.log(row.join(', '));
} finally {
  rmSync(root, { recursive: true, force: true });
}
