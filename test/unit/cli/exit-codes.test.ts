import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../../../src/core/error-status.js';
import { EXIT, exitCodeFor } from '../../../src/cli/exit-codes.js';

describe('exitCodeFor()', () => {
  it('exits 1 for problems with what was asked: unknown refs, conflicts and invalid files', () => {
    for (const code of ['WORKFLOW_NOT_FOUND', 'EXEC_NOT_FOUND', 'PACK_NOT_FOUND', 'NOT_FOUND', 'EXEC_INVALID_STATE', 'PACK_EXISTS', 'PACK_SYNC_REFUSED', 'PACK_INVALID', 'WORKFLOW_INVALID', 'TEMPLATE_PARAM_INVALID', 'EXEC_INPUT_INVALID']) {
      expect([code, exitCodeFor(code)]).toEqual([code, EXIT.problems]);
    }
  });

  it('exits 2 for bad usage, settings, auth, a locked store and failing servers', () => {
    for (const code of ['USAGE_INVALID', 'REQUEST_INVALID', 'CONFIG_INVALID', 'AUTH_REQUIRED', 'AUTH_FORBIDDEN', 'STORE_LOCKED', 'STORE_UNAVAILABLE', 'INTERNAL', 'SCHEDULE_RANGE_INVALID']) {
      expect([code, exitCodeFor(code)]).toEqual([code, EXIT.usage]);
    }
  });

  it('maps a remote failure by the status it was answered with, and an unreached server to 2', () => {
    expect(exitCodeFor('WORKFLOW_NOT_FOUND', 404)).toBe(EXIT.problems);
    expect(exitCodeFor('CONNECTION_ERROR', 0)).toBe(EXIT.usage);
    expect(exitCodeFor('SOMETHING_NEWER', 409)).toBe(EXIT.problems);
    expect(exitCodeFor('SOMETHING_NEWER')).toBe(EXIT.usage);
  });

  it('gives every error code an exit code that agrees with its HTTP status', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect([code, exitCodeFor(code)]).toEqual([code, exitCodeFor(code, status)]);
    }
  });
});
