// Preload for any bench: at exit, prints one GCSTAT line on stderr with the largest new-space
// size seen (both semi-spaces), the count and summed duration of minor (scavenge) and major
// collections, the process's CPU time and its peak RSS. Used to read what V8's young-generation
// flags changed (docs/performance.md, "V8's young generation (h-gc)"):
//   node [--max-semi-space-size=64] --import ./bench/gc-stat.mjs bench/engine.mjs --no-raw
//   NODE_OPTIONS="--import $PWD/bench/gc-stat.mjs" node bench/rss.mjs   (the server child too)
// Durations are wall time of the pauses (main thread), so they move with the box's load; the
// counts and sizes do not.
import v8 from 'node:v8';
import { PerformanceObserver, constants } from 'node:perf_hooks';

const counts = { minor: 0, major: 0 };
const ms = { minor: 0, major: 0 };
let maxNewSpace = 0;
const sample = () => {
  for (const space of v8.getHeapSpaceStatistics()) {
    if (space.space_name === 'new_space') maxNewSpace = Math.max(maxNewSpace, space.space_size);
  }
};
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = entry.detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      counts.minor += 1;
      ms.minor += entry.duration;
    } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      counts.major += 1;
      ms.major += entry.duration;
    }
  }
  sample();
});
observer.observe({ entryTypes: ['gc'] });
process.on('exit', () => {
  sample();
  const cpu = process.cpuUsage();
  const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
  process.stderr.write(
    `GCSTAT new_space_max=${mb(maxNewSpace)}MB minor=${counts.minor} (${ms.minor.toFixed(0)} ms) major=${counts.major} (${ms.major.toFixed(0)} ms) ` +
      `cpu_user=${(cpu.user / 1000).toFixed(0)}ms cpu_sys=${(cpu.system / 1000).toFixed(0)}ms rss_max=${(process.resourceUsage().maxRSS / 1024).toFixed(0)}MB\n`,
  );
});
