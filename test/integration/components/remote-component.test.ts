import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRegistry, type ActionRegistry } from '../../../src/actions/action-registry.js';
import { createComponentService } from '../../../src/components/component-service.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { makeContext } from '../../unit/actions/make-context.js';
import { closedPort, sendJson, startServer, type TestServer } from '../actions/http-server.js';

describe('remote component actions', () => {
  let dir: string;
  let store: Store;
  let server: TestServer;
  let actions: ActionRegistry;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-remote-'));
    store = createSqliteStore({ file: join(dir, 'harmonia.db'), synchronous: 'NORMAL' });
    server = await startServer((req, res) => {
      const body = JSON.parse(req.body) as { action: string; input: Record<string, unknown> };
      if (body.action === 'rollout') return sendJson(res, 200, { status: 'success', data: { rolled: body.input.image } });
      if (body.action === 'chatty') {
        return sendJson(res, 200, { status: 'success', data: {}, logs: ['pulling image', { stream: 'stderr', line: 'slow registry' }, 42] });
      }
      if (body.action === 'validate') {
        return sendJson(res, 200, { status: 'error', error_type: 'validation_error', error_message: 'no image', is_retriable: false });
      }
      sendJson(res, 500, { detail: 'crashed' });
    });
    const components = createComponentService({ repo: store.components });
    await components.register({ name: 'deployer', base_url: server.url, capabilities: ['rollout', 'validate', 'crash', 'chatty'] });
    await components.register({ name: 'gone', base_url: `http://127.0.0.1:${await closedPort()}`, capabilities: ['ping'] });
    actions = createActionRegistry({ packs: () => null, components: store.components });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('POSTs the attempt to /api/tasks/{task_id} and returns its data', async () => {
    const ctx = makeContext({ task_id: 'deploy', execution_id: 'e-9', attempt: 2, idempotency_key: 'e-9:deploy' });
    const result = await actions.resolve({ component: 'deployer', action: 'rollout' }).run({ image: 'app:1' }, ctx);
    expect(result).toEqual({ status: 'success', data: { rolled: 'app:1' } });
    const seen = server.requests.at(-1);
    expect(seen?.url).toBe('/api/tasks/deploy');
    expect(seen?.headers['idempotency-key']).toBe('e-9:deploy');
    expect(JSON.parse(seen?.body ?? '')).toEqual({
      task_id: 'deploy',
      execution_id: 'e-9',
      action: 'rollout',
      input: { image: 'app:1' },
      attempt: 2,
      idempotency_key: 'e-9:deploy',
    });
  });

  it("writes the component's returned logs and the exchange to the task log", async () => {
    const lines: Array<[string, string]> = [];
    const ctx = { ...makeContext(), log: (stream: string, line: string) => void lines.push([stream, line]) };
    await actions.resolve({ component: 'deployer', action: 'chatty' }).run({}, ctx);
    expect(lines.filter(([stream]) => stream !== 'system')).toEqual([
      ['stdout', 'pulling image'],
      ['stderr', 'slow registry'],
    ]);
    expect(lines.find(([stream]) => stream === 'system')?.[1]).toMatch(/^component 'deployer' answered 200 in \d+ ms, \d+ bytes$/);
  });

  it('passes on the error a component reports', async () => {
    const result = await actions.resolve({ component: 'deployer', action: 'validate' }).run({}, makeContext());
    expect(result).toEqual({ status: 'error', error_type: 'validation_error', error_message: 'no image', is_retriable: false });
  });

  it('treats a 5xx without a task result as a retriable HTTP_ERROR', async () => {
    const result = await actions.resolve({ component: 'deployer', action: 'crash' }).run({}, makeContext());
    expect(result).toMatchObject({ status: 'error', error_type: 'HTTP_ERROR', is_retriable: true });
  });

  it('reports an unreachable component as a retriable CONNECTION_ERROR', async () => {
    const result = await actions.resolve({ component: 'gone', action: 'ping' }).run({}, makeContext());
    expect(result).toMatchObject({ status: 'error', error_type: 'CONNECTION_ERROR', is_retriable: true });
  });

  it('fails for good when the component is not registered', async () => {
    const result = await actions.resolve({ component: 'ghost', action: 'rollout' }).run({}, makeContext());
    expect(result).toEqual({
      status: 'error',
      error_type: 'COMPONENT_NOT_FOUND',
      error_message: "component 'ghost' is not registered; register it first",
      is_retriable: false,
    });
  });

  it('fails for good when the component lacks the capability', async () => {
    const result = await actions.resolve({ component: 'deployer', action: 'scale' }).run({}, makeContext());
    expect(result).toEqual({
      status: 'error',
      error_type: 'COMPONENT_NOT_FOUND',
      error_message: "component 'deployer' has no capability 'scale'; it offers 'rollout', 'validate', 'crash', 'chatty'",
      is_retriable: false,
    });
  });
});
