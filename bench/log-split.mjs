// The per-line CPU of the task log's splitter and writer, alone: CHUNKS × 100 lines of 60
// bytes through createLineSplitter → createTaskLogWriter into a store that keeps nothing.
// Count instructions (the machine's load does not change them):
//   npm run build && CHUNKS=1000 valgrind --tool=callgrind --callgrind-out-file=/dev/null node bench/log-split.mjs
// and subtract a run with CHUNKS=0 (the process's start). DIST=<dir> points at another build.
const dist = process.env.DIST ?? new URL('../dist', import.meta.url).pathname;
const chunks = Number(process.env.CHUNKS ?? 1000);
const { createLineSplitter } = await import(`${dist}/actions/line-splitter.js`);
const { createTaskLogWriter } = await import(`${dist}/engine/task-log.js`);
let stored = 0;
const store = { executions: { appendLogs: async (lines) => ((stored += lines.length), lines) } };
const writer = createTaskLogWriter({ store, clock: { now: () => 0 }, max_bytes_per_attempt: 1e12, onError: () => {}, mask: (text) => text });
const log = writer.forAttempt({ execution_id: 'e', task_id: 't', attempt: 1 });
const splitter = createLineSplitter((line) => log('stdout', line));
const chunk = Buffer.from(`${'x'.repeat(59)}\n`.repeat(100));
for (let i = 0; i < chunks; i++) splitter.push(chunk);
splitter.end();
await writer.flush();
if (stored !== chunks * 100) throw new Error(`stored ${stored} lines, expected ${chunks * 100}`);
console.log(`log-split: ${stored} lines`);
