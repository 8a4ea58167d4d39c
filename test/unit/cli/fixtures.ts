import type { Diagnostic } from '../../../src/core/diagnostic.js';

/** A diagnostic with every required key; override what a test is about. */
export function makeDiagnostic(overrides: Partial<Diagnostic> = {}): Diagnostic {
  return {
    code: 'DAG_CYCLE',
    severity: 'error',
    message: "cycle 'a' → 'b' → 'a'",
    file: 'packs/ci/workflows/promote.yaml',
    line: 3,
    column: 21,
    end_line: 3,
    end_column: 22,
    pointer: '/tasks/a/depends_on/0',
    ...overrides,
  };
}
