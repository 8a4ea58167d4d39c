// Runs every benchmark in turn (npm run bench builds first). Each script prints its
// own figures and ratios against a baseline measured in the same run.
//   node bench/run.mjs [validate engine http watch scale logs console subscribers triggers]
// scale needs PostgreSQL: HARMONIA_BENCH_DATABASE_URL, else HARMONIA_TEST_DATABASE_URL, else the local server.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ALL = ['validate', 'engine', 'http', 'watch', 'scale', 'logs', 'console', 'subscribers', 'triggers', 'rss'];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
const dir = fileURLToPath(new URL('.', import.meta.url));
let failed = 0;
for (const name of wanted) {
  if (!ALL.includes(name)) {
    console.error(`unknown benchmark '${name}'; choose from ${ALL.join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name}`);
  const run = spawnSync(process.execPath, [`${dir}${name}.mjs`], { stdio: 'inherit' });
  if (run.status !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
