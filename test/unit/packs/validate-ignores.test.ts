import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { runPipeline } from '../../../src/packs/run-pipeline.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/packs');

describe('applyIgnores()', () => {
  it('suppresses the named codes on the line and the line below, and warns about unknown codes', async () => {
    const result = await runPipeline([path.join(fixtures, 'ignore')]);
    expect(result.diagnostics.map((d) => `${d.line} ${d.severity} ${d.code}`)).toEqual([
      '12 error DAG_UNKNOWN_DEPENDENCY',
      '14 warning HARMONIA_IGNORE_UNKNOWN_CODE',
    ]);
  });
});
