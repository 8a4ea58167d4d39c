#!/usr/bin/env node
// Regenerates the reference pages that are rendered from the code: docs/codes.md and
// docs/configuration.md. Run after `npm run build` (it reads dist/). With --check it
// writes nothing and exits 1 when a page differs, for CI.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const { GENERATED_PAGES } = await import(new URL('dist/docs/generated-pages.js', root).href);
const check = process.argv.includes('--check');
let stale = 0;
for (const [path, render] of Object.entries(GENERATED_PAGES)) {
  const file = fileURLToPath(new URL(path, root));
  const text = render();
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = '';
  }
  if (current === text) continue;
  if (check) {
    stale += 1;
    process.stderr.write(`${path} differs from the code; run: npm run build && node scripts/gen-docs.mjs\n`);
  } else {
    writeFileSync(file, text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
