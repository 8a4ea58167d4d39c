/**
 * POST /executions with an Idempotency-Key against real `harmonia serve` processes: the key
 * holds across a restart of the server (SQLite) and across two nodes sharing PostgreSQL,
 * including two requests with one key sent to both nodes at once. The same key with the
 * same request answers the one execution (200 after the first 201); with another workflow
 * or input it is refused with 422 IDEMPOTENCY_KEY_REUSED.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorResponse, ExecutionView } from '../../../src/core/wire.js';
import { assertBuilt } from '../cli/cli-harness.js';
import { startServeProcess, type ServeProcess } from '../cli/serve-process.js';
import { pgSuiteName, TEST_DATABASE_URL } from '../store/pg-test-db.js';
import { usePgServeNodes } from './pg-serve-nodes.js';

const WORKFLOW = ['version: 1.0.0', 'input:', '  who: { type: string, default: world }', 'tasks:', '  greet:', '    action: core.echo', '    input: { message: "hi ${input.who}" }', ''].join('\n');

function makeRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'harmonia-idempotency-'));
  mkdirSync(join(root, 'packs', 'demo', 'workflows'), { recursive: true });
  writeFileSync(join(root, 'packs', 'demo', 'pack.yaml'), 'ref: demo\nversion: 1.0.0\n');
  writeFileSync(join(root, 'packs', 'demo', 'workflows', 'hello.yaml'), WORKFLOW);
  writeFileSync(join(root, 'packs', 'demo', 'workflows', 'other.yaml'), WORKFLOW);
  return root;
}

async function start(url: string, key: string, body: unknown): Promise<{ status: number; body: ExecutionView & ErrorResponse }> {
  const response = await fetch(`${url}/api/v1/executions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'Idempotency-Key': key },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ExecutionView & ErrorResponse };
}

describe('Idempotency-Key across a restart (SQLite)', () => {
  let root = '';
  const running: ServeProcess[] = [];
  const serve = async (): Promise<ServeProcess> => {
    const node = await startServeProcess(['--port', '0'], { cwd: root, env: { HARMONIA_LOG_LEVEL: 'warn' } });
    running.push(node);
    return node;
  };

  beforeAll(() => {
    assertBuilt();
    root = makeRoot();
  });
  afterAll(async () => {
    await Promise.all(running.map((node) => node.stop()));
    if (root) rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('answers the execution the first request started after the server restarts, and refuses another request with the key', async () => {
    const first = await serve();
    const made = await start(first.url, 'deploy-42', { workflow_ref: 'demo.hello', input: { who: 'a' } });
    expect(made.status).toBe(201);
    expect(await first.stop()).toBe(0);

    const second = await serve();
    const again = await start(second.url, 'deploy-42', { workflow_ref: 'demo.hello', input: { who: 'a' } });
    expect([again.status, again.body.execution_id]).toEqual([200, made.body.execution_id]);
    const otherInput = await start(second.url, 'deploy-42', { workflow_ref: 'demo.hello', input: { who: 'b' } });
    expect([otherInput.status, otherInput.body.error.code, otherInput.body.error.details]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED', { execution_id: made.body.execution_id }]);
    const otherWorkflow = await start(second.url, 'deploy-42', { workflow_ref: 'demo.other', input: { who: 'a' } });
    expect([otherWorkflow.status, otherWorkflow.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  }, 60_000);
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('Idempotency-Key on two nodes'), () => {
  const { serve } = usePgServeNodes(makeRoot);

  it('starts one execution for a key sent to both nodes at once, and both nodes answer it after', async () => {
    const a = await serve('node-a');
    const b = await serve('node-b');
    const request = { workflow_ref: 'demo.hello', input: { who: 'both' } };
    const answers = await Promise.all([start(a.url, 'release-7', request), start(b.url, 'release-7', request), start(a.url, 'release-7', request), start(b.url, 'release-7', request)]);
    const ids = new Set(answers.map((answer) => answer.body.execution_id));
    expect(ids.size).toBe(1);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 201]);

    const [id] = [...ids];
    const fromB = await start(b.url, 'release-7', request);
    expect([fromB.status, fromB.body.execution_id]).toEqual([200, id]);
    const reused = await start(a.url, 'release-7', { workflow_ref: 'demo.hello', input: { who: 'someone else' } });
    expect([reused.status, reused.body.error.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const list = (await (await fetch(`${a.url}/api/v1/executions?workflow_ref=demo.hello`)).json()) as { total: number };
    expect(list.total).toBe(1);
  }, 60_000);
});
