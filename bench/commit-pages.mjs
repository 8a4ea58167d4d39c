// Which pages a wide commit writes to the log: commitSteps of one execution's 10 completions
// and 10 starts, 400 times, then the last 40 commits' frames read from the -wal file's frame
// headers (https://sqlite.org/walformat.html) and named by SQLite's dbstat table.
// Run: npm run build && node bench/commit-pages.mjs [root]   (root: the checkout whose dist/ to load)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';

const root = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), '..', '..'));
const { createSqliteStore } = await import(join(root, 'dist/store/sqlite/sqlite-store.js'));
const dir = mkdtempSync(join(tmpdir(), 'harmonia-pages-'));
const file = join(dir, 'bench.db');
const store = createSqliteStore({ file, synchronous: 'FULL' });
const id = '01a24819-2a79-7e39-ad8d-13c8315e6ab6';
const workflowId = '202e2752-a386-4200-9eaa-49e04cf29b59';
const created = new Date().toISOString();
await store.executions.createExecution({
  id, workflow_id: workflowId, workflow_ref: 'bench.commit', workflow_version: 1, status: 'running', input: {}, output: null, error: null,
  parent_execution_id: null, parent_task_id: null, created_at: created, updated_at: created, finished_at: null, last_seq: 0,
});
let seq = 0;
let ms = Date.now();
for (let c = 0; c < 400; c += 1) {
  const timestamp = new Date(ms++).toISOString();
  const events = [];
  for (const [type, key] of [['task_completed', 'output'], ['task_started', 'input']]) {
    for (let i = 0; i < 10; i += 1) {
      seq += 1;
      events.push({ event_type: type, task_id: `t${seq}`, data: { attempt: 1, [key]: {} }, execution_id: id, workflow_id: workflowId, timestamp, seq });
    }
  }
  await store.executions.commitSteps({ events, updates: [{ id, patch: { updated_at: timestamp, last_seq: seq } }], fenced: [], released: [] });
}
const wal = readFileSync(`${file}-wal`);
const commits = [];
let current = [];
// 32-byte header, then frames of a 24-byte header (page number, and the database size on a commit's last frame) and the page
for (let at = 32; at + 24 + 4096 <= wal.length; at += 24 + 4096) {
  current.push(wal.readUInt32BE(at));
  if (wal.readUInt32BE(at + 4) !== 0) {
    commits.push(current);
    current = [];
  }
}
const reader = new Database(file, { readonly: true });
const names = new Map(reader.prepare('SELECT pageno, name, pagetype FROM dbstat').raw().all().map(([page, name, type]) => [page, `${name} ${type}`]));
reader.close();
const last = commits.slice(-40);
const tally = new Map();
for (const pages of last) for (const page of pages) tally.set(names.get(page) ?? `page ${page}`, (tally.get(names.get(page) ?? `page ${page}`) ?? 0) + 1);
console.log(`${(last.flat().length / last.length).toFixed(1)} log frames a commit: ${[...tally].map(([name, n]) => `${name} ${(n / last.length).toFixed(2)}`).join(', ')}`);
await store.close();
rmSync(dir, { recursive: true, force: true });
