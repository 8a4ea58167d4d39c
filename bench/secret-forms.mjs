// The masker's add() and maskText() with and without the printed forms of secrets (h-audit3), and
// the CLI's printable() filter, by process CPU time. Usage, after `npm run build`:
//   node bench/secret-forms.mjs [BASE_DIST]     BASE_DIST: a build of the commit before (default: only this build)
// Compare rounds of the same run only: CPU time on a shared machine is noisy.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const here = resolve(import.meta.dirname, '..', 'dist');
const load = (dist, path) => import(pathToFileURL(resolve(dist, path)).href);
const builds = [['this', await load(here, 'core/secret-masker.js')]];
if (process.argv[2] !== undefined) builds.unshift(['base', await load(process.argv[2], 'core/secret-masker.js')]);
const { printable } = await load(here, 'cli/output/printable-output.js');

const cpu = (run) => {
  const start = process.cpuUsage();
  run();
  const spent = process.cpuUsage(start);
  return (spent.user + spent.system) / 1000;
};
const shapes = {
  'tokens (no form differs)': Array.from({ length: 1000 }, (_, i) => `tok_${i}_${'x'.repeat(30)}`),
  'two lines with spaces (5 forms each)': Array.from({ length: 1000 }, (_, i) => `secret-value-${i}-${'x'.repeat(20)}\nsecond line ${i}`),
};
const text = `a log line of ordinary output, nothing secret in it ${'y'.repeat(60)}\n`.repeat(10_000);
for (let round = 1; round <= 3; round += 1) {
  for (const [shape, values] of Object.entries(shapes)) {
    for (const [name, { createSecretMasker }] of builds) {
      let masker = createSecretMasker();
      const add = cpu(() => {
        for (let k = 0; k < 20; k += 1) {
          masker = createSecretMasker();
          masker.add(values);
          masker.maskText('warm');
        }
      });
      const mask = cpu(() => {
        for (let k = 0; k < 5; k += 1) masker.maskText(text);
      });
      console.log(`round ${round} ${shape} ${name}: add+build ${(add / 20).toFixed(1)} ms, maskText(${(text.length / 1e6).toFixed(1)} MB) ${(mask / 5).toFixed(1)} ms, ${masker.size} known`);
    }
  }
  const dirty = text.replaceAll('nothing', 'no\u001b[2Jthing');
  console.log(`round ${round} printable(${(text.length / 1e6).toFixed(1)} MB): none to escape ${(cpu(() => { for (let k = 0; k < 20; k += 1) printable(text); }) / 20).toFixed(2)} ms, 10,000 to escape ${(cpu(() => { for (let k = 0; k < 20; k += 1) printable(dirty); }) / 20).toFixed(1)} ms`);
}
