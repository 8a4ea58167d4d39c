import { describe, expect, it } from 'vitest';
import { formatJson } from '../../../../src/cli/format/json.js';
import { makeDiagnostic } from '../fixtures.js';

describe('formatJson()', () => {
  it('prints one document whose valid flag is false when there is an error', () => {
    const doc = JSON.parse(formatJson([makeDiagnostic()])) as { valid: boolean; diagnostics: unknown[] };
    expect(doc.valid).toBe(false);
    expect(doc.diagnostics).toHaveLength(1);
  });

  it('is valid when only warnings are present', () => {
    const doc = JSON.parse(formatJson([makeDiagnostic({ severity: 'warning' })])) as { valid: boolean };
    expect(doc.valid).toBe(true);
  });

  it('gives every diagnostic the same keys, with null and [] for absent ones', () => {
    const doc = JSON.parse(formatJson([makeDiagnostic()])) as { diagnostics: Record<string, unknown>[] };
    expect(doc.diagnostics[0]).toEqual({
      code: 'DAG_CYCLE',
      severity: 'error',
      message: "cycle 'a' → 'b' → 'a'",
      file: 'packs/ci/workflows/promote.yaml',
      line: 3,
      column: 21,
      end_line: 3,
      end_column: 22,
      pointer: '/tasks/a/depends_on/0',
      hint: null,
      related: [],
    });
  });

  it('prints an empty valid report for no diagnostics', () => {
    expect(JSON.parse(formatJson([]))).toEqual({ valid: true, diagnostics: [] });
  });
});
