// Sums V8's per-collection lines (`node --trace-gc-nvp ...`) read on stdin, per unit of work:
// what was allocated, what survived a scavenge, what was promoted to the old generation, and
// how many scavenges and mark-compacts ran with their summed pauses. Allocated, survived and
// promoted bytes per start do not move with the box's load; the pauses do.
//   node --trace-gc-nvp bench/http-post-js.mjs 2000 --rounds 2 --warmup 2 | node bench/gc-nvp.mjs 12000
//   (12,000: every start of the run, warm-up included, as every collection is counted)
import { createInterface } from 'node:readline';

const units = Number(process.argv[2] ?? 1);
const sums = { allocated: 0, new_space_survived: 0, promoted: 0 };
const kinds = { s: { count: 0, pause: 0 }, mc: { count: 0, pause: 0 } };
for await (const line of createInterface({ input: process.stdin })) {
  const kind = /\bgc=(\w+)/.exec(line)?.[1];
  if (kind === undefined) {
    if (line.trim() !== '') console.log(line);
    continue;
  }
  const field = (name) => Number(new RegExp(`\\b${name}=([\\d.]+)`).exec(line)?.[1] ?? 0);
  const bucket = kind === 's' ? kinds.s : kinds.mc;
  bucket.count += 1;
  bucket.pause += field('pause');
  if (kind === 's') for (const name of Object.keys(sums)) sums[name] += field(name);
}
const kb = (bytes) => (bytes / units / 1024).toFixed(2);
console.log(
  `GC per unit of ${units}: allocated ${kb(sums.allocated)} KiB, survived a scavenge ${kb(sums.new_space_survived)} KiB, promoted ${kb(sums.promoted)} KiB; ` +
    `${kinds.s.count} scavenges (${kinds.s.pause.toFixed(0)} ms of pauses), ${kinds.mc.count} mark-compacts (${kinds.mc.pause.toFixed(0)} ms)`,
);
