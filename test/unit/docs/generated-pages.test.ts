import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_PAGES } from '../../../src/docs/generated-pages.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

describe('generated reference pages', () => {
  for (const [path, render] of Object.entries(GENERATED_PAGES)) {
    it(`${path} matches the code (regenerate: npm run build && node scripts/gen-docs.mjs)`, () => {
      expect(read(path)).toBe(render());
    });
  }
});
