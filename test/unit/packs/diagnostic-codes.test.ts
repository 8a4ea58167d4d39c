import { readFile } from 'node:fs/promises';
import { describe, it, expect } from 'vitest';
import { DIAGNOSTIC_CODES, isDiagnosticCode } from '../../../src/core/diagnostic-codes.js';

describe('DIAGNOSTIC_CODES', () => {
  it('is documented in docs/format.md, code by code', async () => {
    const docs = await readFile(new URL('../../../docs/format.md', import.meta.url), 'utf8');
    const missing = Object.keys(DIAGNOSTIC_CODES).filter((code) => !docs.includes(`\`${code}\``));
    expect(missing).toEqual([]);
  });

  it('tells catalogue codes from other words', () => {
    expect(isDiagnosticCode('DAG_CYCLE')).toBe(true);
    expect(isDiagnosticCode('toString')).toBe(false);
  });
});
