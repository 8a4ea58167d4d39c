// CPU time of `harmonia serve`'s request log lines: N lines shaped as request-log.ts writes
// them, through pino's default destination (`sync`: sonic-boom writing fd 1 synchronously,
// what serve used before h-servelog) or through src/server/log-output.ts on process.stdout
// (`bounded`), until the last line has reached stdout. Prints the mode, N and the CPU time
// (user and system) on stderr. Instructions per line: run it under callgrind at two N, as
// bench/http-js-instructions.mjs; the difference over the difference in N.
// Run it with stdout a drained pipe, then a file, alternating the modes:
//   npm run build
//   for i in 1 2 3; do for m in sync bounded; do node bench/log-output.mjs $m 100000 | cat >/dev/null; done; done
//   for i in 1 2 3; do for m in sync bounded; do node bench/log-output.mjs $m 100000 >/tmp/log-bench.out; done; done
import { pino } from 'pino';
import { createLogOutput } from '../dist/server/log-output.js';

const mode = process.argv[2] ?? 'bounded';
const N = Number(process.argv[3] ?? 100_000);
// The default (1 MiB) drops lines when the reader (`cat` on a loaded box) lags this burst;
// the bound does not change what a line costs, so the comparison holds everything.
const BUFFER = Number(process.argv[4] ?? 1 << 30);
const output = mode === 'bounded' ? createLogOutput({ stream: process.stdout, max_buffer_bytes: BUFFER }) : null;
const logger = output ? pino({ name: 'harmonia' }, output) : pino({ name: 'harmonia' });

const line = (i) => ({
  request_id: `0190b2c4-7d1e-7a3b-9f00-${String(i).padStart(12, '0')}`,
  method: 'GET',
  url: '/api/v1/executions/0190b2c4-7d1e-7a3b-9f00-00000000abcd',
  route: '/api/v1/executions/:id',
  status: 200,
  duration_ms: 1.234,
  principal: undefined,
});
for (let i = 0; i < 1000; i += 1) logger.info(line(i), 'request');
await output?.waitForDrain(60_000);

const before = process.cpuUsage();
// In slices, as requests come: the event loop turns between them and writes what is held.
for (let i = 0; i < N; i += 100) {
  for (let j = i; j < i + 100; j += 1) logger.info(line(j), 'request');
  await new Promise((resolve) => setImmediate(resolve));
}
if (output && !(await output.waitForDrain(60_000))) throw new Error('stdout did not drain');
const used = process.cpuUsage(before);
process.stderr.write(`${mode} ${N} cpu_ms=${((used.user + used.system) / 1000).toFixed(0)} (user ${(used.user / 1000).toFixed(0)}, sys ${(used.system / 1000).toFixed(0)}) dropped=${output?.dropped() ?? 0}\n`);
