// Secret masking cost: 1 MiB adversarial strings against a plain 1 MiB string (the old
// backtracking patterns were quadratic on these), and the per-event cost of the write path
// (learn + mask) with no known secrets and with 1,000 of them, against JSON.stringify alone.
// Run: npm run build && node bench/mask.mjs
import { performance } from 'node:perf_hooks';
import { createSecretMasker } from '../dist/core/secret-masker.js';

const MIB = 1024 * 1024;
const time = (fn, runs = 5) => {
  fn();
  const start = performance.now();
  for (let i = 0; i < runs; i += 1) fn();
  return (performance.now() - start) / runs;
};

const masker = createSecretMasker(['hunter2-s3cr3t', 'Bearer abcdefgh-token']);
const plain = 'x'.repeat(MIB);
const base = time(() => masker.maskText(plain));
console.log(`plain 1 MiB: ${base.toFixed(2)} ms`);
const adversarial = {
  'repeated ?': '?'.repeat(MIB),
  'repeated ?token': '?token'.repeat(MIB / 6),
  'scheme without @': `a://${'b:'.repeat(MIB / 2)}`,
  'many schemes': 'a://b:'.repeat(MIB / 6),
  'names without =': '&x'.repeat(MIB / 2),
  'near-miss secret prefixes': 'hunter2-s3cr3'.repeat(MIB / 13),
};
for (const [name, text] of Object.entries(adversarial)) {
  const ms = time(() => masker.maskText(text));
  console.log(`${name.padEnd(28)} ${ms.toFixed(2).padStart(8)} ms  ${(ms / base).toFixed(1)}x plain`);
}

const event = {
  event_type: 'task_completed',
  execution_id: '3f81ea59-0c2d-44f9-a9bc-27eb9556b980',
  workflow_id: '3941bb05-a4e5-4952-b46d-39f4b2fc5d28',
  task_id: 'call',
  timestamp: new Date().toISOString(),
  seq: 7,
  data: { attempt: 1, output: { status: 200, headers: { 'content-type': 'application/json', date: 'Fri, 04 Dec 2026' }, body: { id: 42, items: ['a', 'b', 'c'], url: 'https://api.example.com/deployments/42?x=1' } } },
};
const N = 20_000;
const stringify = time(() => {
  for (let i = 0; i < N; i += 1) JSON.stringify(event.data);
}, 3);
for (const count of [0, 1000]) {
  const m = createSecretMasker(Array.from({ length: count }, (_, i) => `secret-value-${i}-${'z'.repeat(i % 20)}`));
  const ms = time(() => {
    for (let i = 0; i < N; i += 1) {
      m.learn(event.data);
      m.maskValue(event.data);
    }
  }, 3);
  console.log(`write-path masking, ${String(count).padStart(4)} known values: ${((ms / N) * 1000).toFixed(2)} µs/event  (${(ms / stringify).toFixed(1)}x JSON.stringify of the same data)`);
}
