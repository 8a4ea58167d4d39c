import { readFile } from 'node:fs/promises';
import { describe, it, expect } from 'vitest';
import { generateValidators } from '../../../schemas/generate-validators.mjs';

describe('generateValidators()', () => {
  it('built schemas/validators.cjs from the current schemas (npm run build generates it)', async () => {
    const built = await readFile(new URL('../../../schemas/validators.cjs', import.meta.url), 'utf8');
    expect(built === (await generateValidators())).toBe(true);
  });
});
