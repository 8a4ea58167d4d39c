import { readFile } from 'node:fs/promises';
import { describe, it, expect } from 'vitest';
import { generateValidators } from '../../../schemas/generate-validators.mjs';

describe('generateValidators()', () => {
  it('matches schemas/validators.cjs (run `node schemas/generate-validators.mjs` after editing a schema)', async () => {
    const committed = await readFile(new URL('../../../schemas/validators.cjs', import.meta.url), 'utf8');
    expect(committed === (await generateValidators())).toBe(true);
  });
});
