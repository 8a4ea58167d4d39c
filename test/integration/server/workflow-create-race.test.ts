import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDetail } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

describe('creating workflows at once', () => {
  it('lets one of two racing creates of one ref win and refuses the other with 409, never making it a second version', async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => ({ name: i % 2 === 0 ? 'Racing Flow' : 'racing_flow', tasks: { [`t${i}`]: { action: 'core.noop' } } }));
    const answers = await Promise.all(bodies.map((json) => h.call<{ error?: { code: string } }>('POST', '/api/v1/workflows', { json })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(new Set(answers.filter((a) => a.status === 409).map((a) => a.body.error?.code))).toEqual(new Set(['WORKFLOW_EXISTS']));
    const current = await h.call<WorkflowDetail>('GET', '/api/v1/workflows/api.racing_flow');
    expect([current.body.version, current.body.latest_version]).toEqual([1, 1]);
  });
});
