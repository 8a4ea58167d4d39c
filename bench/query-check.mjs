// What the dispatcher's strict query reading costs per request, alone (percent-decode.ts):
// checkQueryEscapes over a typical list query and refuseRepeats over its parsed form, N times.
//   npm run build && N=1000000 valgrind --tool=callgrind --callgrind-out-file=/dev/null node bench/query-check.mjs
// Run with N=0 too: the difference divided by N is the instructions per request.
const { checkQueryEscapes, refuseRepeats } = await import(new URL('../dist/server/percent-decode.js', import.meta.url).pathname);
const N = Number(process.env.N ?? 1_000_000);
const QUERY = process.env.QUERY ?? 'limit=50&offset=100&status=completed&workflow_ref=demo.hello&text=caf%C3%A9';
const parsed = Object.fromEntries(new URLSearchParams(QUERY));
for (let i = 0; i < N; i += 1) {
  checkQueryEscapes(QUERY);
  refuseRepeats(parsed);
}
