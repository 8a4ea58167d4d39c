import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import { computeWorkflowStatuses, type PackSyncState } from '../../../src/gitops/sync-status.js';
import { head } from './records.js';

const diagnostic: Diagnostic = {
  code: 'DAG_UNKNOWN_TASK',
  severity: 'error',
  message: "unknown task 'x'",
  file: 'packs/ops/workflows/deploy.yaml',
  line: 5,
  column: 17,
  end_line: 5,
  end_column: 18,
  pointer: '/tasks/hello/depends_on/0',
};

function pack(fields: Partial<PackSyncState> = {}): PackSyncState {
  return {
    pack_ref: 'ops',
    state: 'synced',
    commit: 'c1',
    last_good_commit: 'c1',
    failing_commit: null,
    diagnostics: [],
    workflows: { 'ops.deploy': 1 },
    invalid_workflows: {},
    synced_at: '2026-01-01T00:00:00.000Z',
    ...fields,
  };
}

const statusOf = (packs: PackSyncState[], heads = [head()], commits = { checkout_commit: 'c1', synced_commit: 'c1' }) =>
  computeWorkflowStatuses({ packs, heads, ...commits })[0];

describe('computeWorkflowStatuses()', () => {
  it('reports Synced when the active version is the one git holds', () => {
    expect(statusOf([pack()])).toMatchObject({ ref: 'ops.deploy', status: 'Synced', active_version: 1, expected_version: 1 });
  });

  it('reports Pinned for a pinned ref, whatever git holds', () => {
    expect(statusOf([pack({ workflows: { 'ops.deploy': 3 } })], [head({ pinned: true, latest_version: 3 })])?.status).toBe(
      'Pinned',
    );
  });

  it('reports Invalid with the failing commit and the diagnostics of the workflow file', () => {
    const failing = pack({ state: 'invalid', failing_commit: 'c2', invalid_workflows: { 'ops.deploy': [diagnostic] } });
    expect(statusOf([failing])).toMatchObject({ status: 'Invalid', failing_commit: 'c2', diagnostics: [diagnostic] });
  });

  it('reports OutOfSync for a valid workflow of a pack with errors elsewhere', () => {
    const failing = pack({ state: 'invalid', failing_commit: 'c2', invalid_workflows: { 'ops.other': [diagnostic] } });
    expect(statusOf([failing])).toMatchObject({ status: 'OutOfSync', failing_commit: 'c2' });
  });

  it('reports OutOfSync when a version was activated outside git', () => {
    expect(statusOf([pack()], [head({ active_version: 2, latest_version: 2 })])?.reason).toBe(
      'version 2 is active but git holds version 1',
    );
  });

  it('reports OutOfSync while a checked-out commit is not synced', () => {
    expect(statusOf([pack()], [head()], { checkout_commit: 'c2', synced_commit: 'c1' })?.status).toBe('OutOfSync');
  });

  it('reports OutOfSync for a workflow in git that is not registered', () => {
    expect(statusOf([pack()], [])).toMatchObject({ status: 'OutOfSync', active_version: null, reason: 'not registered yet' });
  });
});
