// What one more secret costs a masker that knows K already (h-mask2): add() of a new token
// then the maskText() of an event-sized text that follows it (where the automata are built),
// by process CPU time, K = 100, 1,000, 5,000 and 10,000. Usage, after `npm run build`:
//   node bench/secret-learn.mjs [BASE_DIST]     BASE_DIST: a build of the commit before
// Instructions instead of CPU time (the machine is shared): under callgrind, one K and one build,
//   valgrind --tool=callgrind --instr-atstart=no node bench/secret-learn.mjs [BASE_DIST] --callgrind --known 1000 [--base]
//   (then Ir in the dump / the learns it prints)
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const CALLGRIND = args.includes('--callgrind');
const knownAt = args.indexOf('--known');
const sizes = knownAt >= 0 ? [Number(args[knownAt + 1])] : [100, 1000, 5000, 10_000];
const baseDist = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const here = resolve(import.meta.dirname, '..', 'dist');
const load = (dist) => import(pathToFileURL(resolve(dist, 'core/secret-masker.js')).href);
let builds = [['this', await load(here)]];
if (baseDist !== undefined) builds.unshift(['base', await load(baseDist)]);
if (CALLGRIND) builds = builds.filter(([name]) => name === (args.includes('--base') ? 'base' : 'this'));
const collect = (on) => CALLGRIND && execFileSync('callgrind_control', ['-i', on ? 'on' : 'off', String(process.pid)], { stdio: 'ignore' });

const token = (i) => `tok_${String(i).padStart(8, '0')}_${'k'.repeat(24)}`;
const event = JSON.stringify({ event_type: 'task_started', task_id: 'only', input: { n: 1, note: 'an ordinary value of an event' } });
const LEARNS = CALLGRIND ? 40 : 100;
for (let round = 1; round <= (CALLGRIND ? 1 : 3); round += 1) {
  for (const known of sizes) {
    for (const [name, { createSecretMasker }] of builds) {
      const masker = createSecretMasker(Array.from({ length: known }, (_, i) => token(i)));
      masker.maskText(event);
      // Warm: the JIT compiles the learn path before the measured ones.
      for (let i = 0; i < 20; i += 1) {
        masker.add([token(1e7 + i)]);
        masker.maskText(event);
      }
      collect(true);
      const start = process.cpuUsage();
      for (let i = 0; i < LEARNS; i += 1) {
        masker.add([token(2e7 + round * 1e5 + i)]);
        masker.maskText(event);
      }
      const spent = process.cpuUsage(start);
      collect(false);
      const heap = process.memoryUsage().heapUsed / 1e6;
      console.log(
        `round ${round} ${name}: ${known} secrets known, one more then a mask: ${((spent.user + spent.system) / LEARNS).toFixed(0)} µs CPU per learn ` +
          `(${LEARNS} learns; size ${masker.size}; heap ${heap.toFixed(0)} MB)`,
      );
    }
  }
}
