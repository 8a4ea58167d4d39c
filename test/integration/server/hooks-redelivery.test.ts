/**
 * A webhook delivery sent again — GitHub's "Redeliver", a sender retrying after a timeout —
 * carries the id of the first in its delivery header: it starts nothing new.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerFireRecord } from '../../../src/core/trigger-model.js';
import { openServer, type ServerHarness } from './server-harness.js';

const DEPLOY = ['version: 1.0.0', 'input:', '  ref: { type: string, required: true }', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  push:', '    webhook: { secret_env: HOOK_SECRET, input: { ref: "${trigger.body.ref}" } }', ''].join('\n');
const SECRET = 'redelivery-secret';
const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
const PATH = '/api/v1/hooks/demo/deploy/push';

describe('webhook deliveries sent again', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await openServer({ files: { 'demo/workflows/deploy.yaml': DEPLOY }, server: { tokens: 'admin-token' }, trigger_secret: (name) => (name === 'HOOK_SECRET' ? SECRET : undefined) });
  });
  afterAll(async () => {
    await h.close();
  });

  const deliver = (body: string, headers: Record<string, string>) => h.call<TriggerFireRecord>('POST', PATH, { text: body, contentType: 'application/json', headers });
  const executionsOf = async (ref: string) => (await h.store.executions.listExecutions({ workflow_ref: 'demo.deploy', limit: 100 })).items.filter((e) => e.input.ref === ref);

  it('records a redelivery (same delivery id) as skipped, naming the execution the first started, answers 200 and starts nothing', async () => {
    const body = JSON.stringify({ ref: 'redelivered' });
    const first = await deliver(body, { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'gh-72d3162e' });
    const again = await deliver(body, { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'gh-72d3162e' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    // Recorded for the history, as skipped, naming the execution the first delivery started.
    expect(again.body).toMatchObject({ status: 'skipped', execution_id: null, detail: `delivery gh-72d3162e received again: execution ${first.body.execution_id} was started for it before` });
    expect(await executionsOf('redelivered')).toHaveLength(1);
  });

  it('starts one execution for the same delivery sent five times at once', async () => {
    const body = JSON.stringify({ ref: 'burst-redelivered' });
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => deliver(body, { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'gh-burst' })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const [started] = await executionsOf('burst-redelivered');
    expect(answers.map((a) => a.body.execution_id ?? a.body.detail?.match(/execution (\S+)/)?.[1])).toEqual(answers.map(() => started?.id));
    expect(await executionsOf('burst-redelivered')).toHaveLength(1);
  });

  it('keys deliveries by the X-Harmonia-Delivery id a token sender gives, and starts one for each delivery without an id', async () => {
    const body = JSON.stringify({ ref: 'token-redelivered' });
    const a = await deliver(body, { 'x-harmonia-token': SECRET, 'x-harmonia-delivery': 'ci-run-7' });
    const b = await deliver(body, { 'x-harmonia-token': SECRET, 'x-harmonia-delivery': 'ci-run-7' });
    expect([a.status, b.status]).toEqual([201, 200]);
    const plain = JSON.stringify({ ref: 'no-id' });
    const c = await deliver(plain, { 'x-harmonia-token': SECRET });
    const d = await deliver(plain, { 'x-harmonia-token': SECRET });
    expect([c.status, d.status]).toEqual([201, 201]);
    expect(await executionsOf('token-redelivered')).toHaveLength(1);
    expect(await executionsOf('no-id')).toHaveLength(2);
  });

  it('runs a delivery sent again after the first was refused by the workflow (nothing started then)', async () => {
    const bad = '{}';
    const first = await deliver(bad, { 'x-hub-signature-256': sign(bad), 'x-github-delivery': 'gh-refused' });
    expect(first.status).toBe(422);
    const again = await deliver(bad, { 'x-hub-signature-256': sign(bad), 'x-github-delivery': 'gh-refused' });
    expect(again.status).toBe(422);
  });
});
