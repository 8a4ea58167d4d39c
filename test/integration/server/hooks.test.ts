import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TriggerFireRecord } from '../../../src/core/trigger-model.js';
import { openServer, type ServerHarness } from './server-harness.js';
import { firesInOneMillisecond } from './fires-in-one-millisecond.js';

const DEPLOY = [
  'version: 1.0.0',
  'input:',
  '  ref: { type: string, required: true }',
  'tasks:',
  '  a: { action: core.noop }',
  'triggers:',
  '  push:',
  '    webhook: { secret_env: DEPLOY_HOOK_SECRET, input: { ref: "${trigger.body.ref}" } }',
  '  unset:',
  '    webhook: { secret_env: NOT_SET_ANYWHERE }',
  '',
].join('\n');
const ANYBODY = [
  'version: 1.0.0',
  'input:',
  '  payload: { required: false }',
  'tasks:',
  '  a: { action: core.noop }',
  'triggers:',
  '  any:',
  '    webhook: { secret_env: DEPLOY_HOOK_SECRET, input: { payload: "${trigger.body}" } }',
  '',
].join('\n');
const SECRET = 's3cret-hook';
const sign = (body: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
type ErrorBody = { error: { code: string; message: string } };

describe('POST /api/v1/hooks/{pack}/{workflow}/{trigger}', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await openServer({
      files: { 'demo/workflows/deploy.yaml': DEPLOY, 'demo/workflows/anybody.yaml': ANYBODY },
      server: { tokens: 'admin-token' },
      trigger_secret: (name) => (name === 'DEPLOY_HOOK_SECRET' ? SECRET : undefined),
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('starts an execution with the body mapped to the input when the signature is good', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main' });
    const { status, body: fire } = await h.call<TriggerFireRecord>('POST', '/api/v1/hooks/demo/deploy/push', { text: body, contentType: 'application/json', headers: { 'x-hub-signature-256': sign(body), 'x-github-delivery': 'd-1' } });
    expect(status).toBe(201);
    expect(fire).toMatchObject({ trigger_id: 'demo.deploy/push', reason: 'webhook', status: 'started', detail: 'delivery d-1' });
    const execution = await h.engine.waitForCompletion(fire.execution_id!);
    expect(execution).toMatchObject({ workflow_ref: 'demo.deploy', status: 'completed', input: { ref: 'refs/heads/main' } });
    const [started] = await h.engine.readEvents(execution.id, 0, 1);
    expect(started?.data).toMatchObject({ trigger: { id: 'demo.deploy/push', reason: 'webhook' } });
  });

  it('refuses a bad signature and a missing one with 401, starting nothing', async () => {
    const body = JSON.stringify({ ref: 'x' });
    const bad = await h.call<ErrorBody>('POST', '/api/v1/hooks/demo/deploy/push', { text: body, contentType: 'application/json', headers: { 'x-hub-signature-256': sign(body, 'wrong') } });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toMatchObject({ code: 'AUTH_REQUIRED', message: 'signature does not match the payload' });
    const none = await h.call<ErrorBody>('POST', '/api/v1/hooks/demo/deploy/push', { text: body, contentType: 'application/json' });
    expect(none.status).toBe(401);
    const runs = await h.store.executions.listExecutions({ workflow_ref: 'demo.deploy' });
    expect(runs.total).toBe(1);
  });

  it('accepts the secret as X-Harmonia-Token', async () => {
    const { status } = await h.call('POST', '/api/v1/hooks/demo/deploy/push', { text: '{"ref":"v2"}', contentType: 'application/json', headers: { 'x-harmonia-token': SECRET } });
    expect(status).toBe(201);
  });

  it('answers 404 for an unknown trigger, 403 when the server has no secret, 422 for an input the workflow refuses, 400 for a body that is not JSON', async () => {
    const unknown = await h.call<ErrorBody>('POST', '/api/v1/hooks/demo/deploy/pull', { text: '{}', contentType: 'application/json', headers: { 'x-harmonia-token': SECRET } });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'TRIGGER_NOT_FOUND']);
    const unset = await h.call<ErrorBody>('POST', '/api/v1/hooks/demo/deploy/unset', { text: '{}', contentType: 'application/json', headers: { 'x-harmonia-token': SECRET } });
    expect([unset.status, unset.body.error.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    expect(unset.body.error.message).toContain('NOT_SET_ANYWHERE');
    const refused = await h.call<ErrorBody>('POST', '/api/v1/hooks/demo/deploy/push', { text: '{"other":1}', contentType: 'application/json', headers: { 'x-harmonia-token': SECRET } });
    expect(refused.status).toBe(422);
    const notJson = await h.call<ErrorBody>('POST', '/api/v1/hooks/demo/deploy/push', { text: '{"ref": main}', contentType: 'application/json', headers: { 'x-harmonia-token': SECRET } });
    expect([notJson.status, notJson.body.error.code]).toEqual([400, 'REQUEST_INVALID']);
  });

  it('refuses a body it would have to parse as a type it does not declare (415), and bytes that are not UTF-8 (400), starting nothing', async () => {
    const before = (await h.store.executions.listExecutions({ workflow_ref: 'demo.deploy' })).total;
    const json = JSON.stringify({ ref: 'refs/heads/main' });
    const post = (body: string | Buffer, contentType?: string) =>
      fetch(`${h.url}/api/v1/hooks/demo/deploy/push`, {
        method: 'POST',
        body,
        headers: { 'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`, ...(contentType ? { 'content-type': contentType } : {}) },
      });
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/yaml', undefined]) {
      const answer = await post(json, contentType);
      const error = ((await answer.json()) as ErrorBody).error;
      expect([contentType, answer.status, error.code]).toEqual([contentType, 415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(error.message).toContain('application/json');
    }
    const form = await post(`payload=${encodeURIComponent(json)}`, 'application/x-www-form-urlencoded');
    expect(form.status).toBe(415);
    const charset = await post(json, 'application/json; charset=utf-8');
    expect(charset.status).toBe(201);
    const bytes = Buffer.concat([Buffer.from('{"ref":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const notUtf8 = await post(bytes, 'application/json');
    expect(notUtf8.status).toBe(400);
    expect(((await notUtf8.json()) as ErrorBody).error).toMatchObject({ code: 'REQUEST_INVALID', message: expect.stringContaining('byte 8') });
    const deep = await post(`{"ref":"x","more":${'['.repeat(1000)}${']'.repeat(1000)}}`, 'application/json');
    expect(deep.status).toBe(400);
    expect(((await deep.json()) as ErrorBody).error.message).toContain('levels deep');
    expect((await h.store.executions.listExecutions({ workflow_ref: 'demo.deploy' })).total).toBe(before + 1);
  });

  it("masks the trigger's secret wherever a delivery carries it into the execution", async () => {
    const body = JSON.stringify({ ref: `leaked ${SECRET}` });
    const { status, body: fire } = await h.call<TriggerFireRecord>('POST', '/api/v1/hooks/demo/deploy/push', { text: body, contentType: 'application/json', headers: { 'x-hub-signature-256': sign(body) } });
    expect(status).toBe(201);
    await h.engine.waitForCompletion(fire.execution_id!);
    expect((await h.store.executions.getExecution(fire.execution_id!))?.input).toEqual({ ref: 'leaked **REDACTED**' });
    const view = await h.call('GET', `/api/v1/executions/${fire.execution_id}`);
    expect(view.text).not.toContain(SECRET);
    const events = await h.call('GET', `/api/v1/executions/${fire.execution_id}/events`);
    expect(events.text).not.toContain(SECRET);
  });

  it("masks a secret in a failed fire's stored detail, as in every other stored error", async () => {
    // The workflow refuses the mapped input quoting it: the failure's text holds the secret.
    const body = JSON.stringify({ ref: { leaked: SECRET } });
    const refused = await h.call<ErrorBody>('POST', '/api/v1/hooks/demo/deploy/push', { text: body, contentType: 'application/json', headers: { 'x-hub-signature-256': sign(body) } });
    expect([refused.status, refused.body.error.code]).toEqual([422, 'EXEC_INPUT_INVALID']);
    expect(refused.text).not.toContain(SECRET);
    const fires = await h.store.triggers.listFires('demo.deploy/push', 100);
    const failed = fires.filter((fire) => fire.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const fire of failed) expect(fire.detail).not.toContain(SECRET);
    expect(failed.some((fire) => fire.detail?.includes('**REDACTED**'))).toBe(true);
  });

  it('takes any JSON body as trigger.body as sent (null stays null), and an empty body as {}', async () => {
    for (const text of ['[1,"a"]', 'null', '"x"', '42', 'true', '{"k":[null]}']) {
      const { status, body: fire } = await h.call<TriggerFireRecord>('POST', '/api/v1/hooks/demo/anybody/any', { text, contentType: 'application/json', headers: { 'x-harmonia-token': SECRET } });
      expect([text, status]).toEqual([text, 201]);
      const execution = await h.engine.waitForCompletion(fire.execution_id!);
      expect([text, execution.input]).toEqual([text, { payload: JSON.parse(text) }]);
    }
    const { status, body: fire } = await h.call<TriggerFireRecord>('POST', '/api/v1/hooks/demo/anybody/any', { headers: { 'x-harmonia-token': SECRET } });
    expect(status).toBe(201);
    expect((await h.engine.waitForCompletion(fire.execution_id!)).input).toEqual({ payload: {} });
    // A field of a body that has none maps to no input: the workflow that requires it says so.
    const array = await h.call<ErrorBody>('POST', '/api/v1/hooks/demo/deploy/push', { text: '[1]', contentType: 'application/json', headers: { 'x-harmonia-token': SECRET } });
    expect([array.status, array.body.error.code, array.body.error.message]).toEqual([422, 'EXEC_INPUT_INVALID', "input 'ref' is required"]);
  });

  it('records concurrent deliveries under distinct keys, each inserted once (no retry over taken times)', async () => {
    const count = 30;
    const body = '{"ref":"burst"}';
    const { answers, inserts } = await firesInOneMillisecond(h, count, () =>
      h.call<TriggerFireRecord>('POST', '/api/v1/hooks/demo/deploy/push', { text: body, contentType: 'application/json', headers: { 'x-harmonia-token': SECRET } }),
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: count }, () => 201));
    expect(new Set(answers.map((a) => a.body.scheduled_at)).size).toBe(count);
    expect(new Set(answers.map((a) => a.body.execution_id)).size).toBe(count);
    expect(inserts).toBe(count);
  });

  it('never echoes the secret in an answer', async () => {
    const answer = await h.call('POST', '/api/v1/hooks/demo/deploy/push', { text: '{}', contentType: 'application/json', headers: { 'x-harmonia-token': 'guess' } });
    expect(answer.text).not.toContain(SECRET);
  });
});

describe('webhook triggers that take API tokens with the trigger scope', () => {
  const HOOKS = [
    'version: 1.0.0',
    'input:',
    '  ref: { type: string, default: none }',
    'tasks:',
    '  a: { action: core.noop }',
    'triggers:',
    '  ci:',
    '    webhook: { auth: token, input: { ref: "${trigger.body.ref}" } }',
    '  either:',
    '    webhook: { auth: any, secret_env: DEPLOY_HOOK_SECRET }',
    '  signed:',
    '    webhook: { secret_env: DEPLOY_HOOK_SECRET }',
    '',
  ].join('\n');
  let h: ServerHarness;
  const post = (trigger: string, headers: Record<string, string>, body = '{"ref":"v9"}') =>
    h.call<TriggerFireRecord & ErrorBody>('POST', `/api/v1/hooks/demo/hooks/${trigger}`, { text: body, contentType: 'application/json', headers });
  beforeAll(async () => {
    h = await openServer({
      files: { 'demo/workflows/hooks.yaml': HOOKS },
      server: { tokens: 'admin-token,hook-token:trigger,reader-token:read' },
      trigger_secret: (name) => (name === 'DEPLOY_HOOK_SECRET' ? SECRET : undefined),
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('starts an execution for a token with the trigger scope, naming the token in the fire', async () => {
    const { status, body: fire } = await post('ci', { authorization: 'Bearer hook-token' });
    expect(status).toBe(201);
    expect(fire).toMatchObject({ trigger_id: 'demo.hooks/ci', reason: 'webhook', status: 'started', detail: "delivery by token 'env:2'" });
    expect(await h.engine.waitForCompletion(fire.execution_id!)).toMatchObject({ status: 'completed', input: { ref: 'v9' } });
  });

  it('starts one execution for a token delivery sent twice with its X-Harmonia-Delivery id', async () => {
    const first = await post('ci', { authorization: 'Bearer hook-token', 'x-harmonia-delivery': 'ci-build-41' }, '{"ref":"once"}');
    const again = await post('ci', { authorization: 'Bearer hook-token', 'x-harmonia-delivery': 'ci-build-41' }, '{"ref":"once"}');
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(first.body.detail).toBe("delivery ci-build-41 by token 'env:2'");
    expect(again.body).toMatchObject({ status: 'skipped', detail: `delivery ci-build-41 by token 'env:2' received again: execution ${first.body.execution_id} was started for it before` });
  });

  it('refuses a token without the scope before looking the trigger up, and an unknown token with 401', async () => {
    const reader = await post('ci', { authorization: 'Bearer reader-token' });
    expect(reader.status).toBe(403);
    expect(reader.body.error.code).toBe('AUTH_FORBIDDEN');
    const nowhere = await post('no-such-trigger', { authorization: 'Bearer reader-token' });
    expect(nowhere.status).toBe(403);
    expect((await post('ci', { authorization: 'Bearer made-up' })).status).toBe(401);
  });

  it('keeps each trigger to the proof it accepts: a token on a signed-only trigger, a signature on a token-only one', async () => {
    const tokenOnSigned = await post('signed', { authorization: 'Bearer hook-token' });
    expect(tokenOnSigned.status).toBe(403);
    expect(tokenOnSigned.body.error.message).toContain('accepts only signed deliveries');
    const body = '{"ref":"v3"}';
    const signedOnToken = await post('ci', { 'x-hub-signature-256': sign(body) }, body);
    expect(signedOnToken.status).toBe(403);
    expect(signedOnToken.body.error.message).toContain('accepts only API tokens');
    expect((await post('either', { authorization: 'Bearer hook-token' })).status).toBe(201);
    expect((await post('either', { 'x-hub-signature-256': sign(body) }, body)).status).toBe(201);
  });

  it('gives a trigger-scoped token nothing else', async () => {
    expect((await h.call('GET', '/api/v1/executions', { headers: { authorization: 'Bearer hook-token' } })).status).toBe(403);
  });
});
