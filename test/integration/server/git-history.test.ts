import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorResponse, WorkflowDetail } from '../../../src/core/wire.js';
import { openGitServer, workflowYaml, type GitServer } from './git-harness.js';

interface History {
  ref: string;
  active_version: number;
  pinned: boolean;
  items: Array<{ version: number; active: boolean; source: string; commit: string | null; author: string | null; message: string | null }>;
}
interface Diff {
  from: { version: number; commit: string | null };
  to: { version: number; commit: string | null };
  identical: boolean;
  diff: string;
}
interface PinChange {
  ref: string;
  from_version: number;
  to_version: number;
  commit: string | null;
  pinned: boolean;
}

let h: GitServer;
let second: string;

beforeAll(async () => {
  h = await openGitServer();
  h.repo.write('packs/ops/workflows/deploy.yaml', workflowYaml('second'));
  second = h.repo.commit('ops: second deploy');
  expect((await h.call('POST', '/api/v1/git/sync')).status).toBe(200);
});
afterAll(async () => {
  await h.close();
});

describe('GET /api/v1/workflows/:id/history', () => {
  it('lists every version with the commit it came from, the active one marked', async () => {
    const res = await h.call<History>('GET', '/api/v1/workflows/ops.deploy/history', { token: 'reader-tok' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ref: 'ops.deploy', active_version: 2, pinned: false });
    expect(res.body.items.map((i) => [i.version, i.commit, i.active, i.message])).toEqual([
      [1, h.first, false, 'ops: first deploy'],
      [2, second, true, 'ops: second deploy'],
    ]);
    expect(res.body.items[0]).toMatchObject({ source: 'git', author: 'Ada Lovelace <ada@example.com>' });
  });

  it('answers an unknown workflow with 404', async () => {
    const res = await h.call<ErrorResponse>('GET', '/api/v1/workflows/ops.nope/history');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('WORKFLOW_NOT_FOUND');
  });
});

describe('GET /api/v1/workflows/:id/diff', () => {
  it('diffs two versions named by number and by sha prefix', async () => {
    const res = await h.call<Diff>('GET', `/api/v1/workflows/ops.deploy/diff?from=1&to=${second.slice(0, 8)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ from: { version: 1, commit: h.first }, to: { version: 2, commit: second }, identical: false });
    expect(res.body.diff).toContain('-description: first');
    expect(res.body.diff).toContain('+description: second');
  });

  it('answers a missing side with 400', async () => {
    const res = await h.call<ErrorResponse>('GET', '/api/v1/workflows/ops.deploy/diff?from=1');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain("'to'");
  });
});

describe('POST /api/v1/workflows/:id/rollback and /unpin', () => {
  it('pins an older version by sha so a sync does not undo it, and unpin follows git again', async () => {
    const rolled = await h.call<PinChange>('POST', '/api/v1/workflows/ops.deploy/rollback', { json: { to: h.first.slice(0, 7) } });
    expect(rolled.status).toBe(200);
    expect(rolled.body).toMatchObject({ ref: 'ops.deploy', from_version: 2, to_version: 1, commit: h.first, pinned: true });

    h.repo.write('packs/ops/workflows/deploy.yaml', workflowYaml('third'));
    h.repo.commit('ops: third deploy');
    expect((await h.call('POST', '/api/v1/git/sync')).status).toBe(200);
    const pinned = (await h.call<WorkflowDetail>('GET', '/api/v1/workflows/ops.deploy')).body;
    expect(pinned).toMatchObject({ version: 1, latest_version: 3, pinned: true });

    const unpinned = await h.call<PinChange>('POST', '/api/v1/workflows/ops.deploy/unpin');
    expect(unpinned.body).toMatchObject({ from_version: 1, to_version: 3, pinned: false });
  });

  it('answers an unknown version with 404 and needs the write scope', async () => {
    const missing = await h.call<ErrorResponse>('POST', '/api/v1/workflows/ops.deploy/rollback', { json: { to: 99 } });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('VERSION_NOT_FOUND');
    expect((await h.call('POST', '/api/v1/workflows/ops.deploy/rollback', { json: { to: 1 }, token: 'reader-tok' })).status).toBe(403);
  });
});
