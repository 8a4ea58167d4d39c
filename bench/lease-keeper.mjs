// The lease keeper's CPU per renewal answer while it holds N leases, all driven (the steady
// state): the book's reconcile and, since h-lease, the check that every held lease is driven.
// The store and the engine are stand-ins answering at once; renewals follow one another
// with no wait (heartbeat_ms 0), so the figure is the keeper's own work.
// Run: npm run build && node bench/lease-keeper.mjs [--leases 100] [--renewals 5000] [--dist ../dist]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const N = Number(arg('--leases', 100));
const RENEWALS = Number(arg('--renewals', 5000));
const dist = pathToFileURL(resolve(arg('--dist', new URL('../dist', import.meta.url).pathname))).href;
const { createLeaseKeeper } = await import(`${dist}/cluster/lease-keeper.js`);
const { createLeaseBook } = await import(`${dist}/cluster/lease-book.js`);

const ids = Array.from({ length: N }, (_, i) => `e${i}`);
const leases = ids.map((id, i) => ({ execution_id: id, node_id: 'n', token: i + 1, expires_at: '' }));
let count = 0;
let done = () => undefined;
const finished = new Promise((resolve) => (done = resolve));
const repo = {
  renewLeases: async () => {
    count += 1;
    if (count === RENEWALS) done();
    return leases;
  },
  claimExecutions: async () => [],
  claimExecution: async () => null,
  releaseLease: async () => undefined,
  releaseNode: async () => 0,
};
const engine = { adopt: async () => true, driving: () => ids, capacity: () => 0, relinquish: async () => undefined };
const book = createLeaseBook('n', 60_000);
book.add(leases);
const options = { node_id: 'n', lease_ms: 60_000, heartbeat_ms: 0, claim_interval_ms: 3_600_000, claim_batch: 10, watchdog_ms: 60_000 };
const logger = { info() {}, warn() {}, error() {} };
const keeper = createLeaseKeeper({ store: { leases: repo }, engine, book, options, logger });
// The keeper's timers are unref'd: this holds the process until the last renewal.
const hold = setInterval(() => undefined, 1000);
const before = process.cpuUsage();
await keeper.start();
await finished;
const used = process.cpuUsage(before);
await keeper.stop();
clearInterval(hold);
console.log(`leases=${N} renewals=${count} cpu_us_per_renewal=${((used.user + used.system) / count).toFixed(1)}`);
