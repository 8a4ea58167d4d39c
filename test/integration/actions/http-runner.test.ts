import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRegistry, type ActionRegistry } from '../../../src/actions/action-registry.js';
import type { ActionDef } from '../../../src/core/model.js';
import { makeContext } from '../../unit/actions/make-context.js';
import { sendJson, startServer, type TestServer } from './http-server.js';

describe('http runner actions', () => {
  let server: TestServer;
  let actions: ActionRegistry;
  beforeAll(async () => {
    server = await startServer((req, res) => {
      const body = JSON.parse(req.body) as { input: { n: number } };
      sendJson(res, 200, { status: 'success', data: { squared: body.input.n * body.input.n } });
    });
    const square: ActionDef = { runner: 'http', entry_point: `${server.url}/square`, parameters: { n: { type: 'integer', default: 3 } } };
    const metadata: ActionDef = { runner: 'http', entry_point: 'http://169.254.169.254/', parameters: {} };
    actions = createActionRegistry({
      packs: (ref) => (ref === 'math' ? { dir: '/unused', actions: new Map([['square', square], ['metadata', metadata]]) } : null),
    });
  });
  afterAll(() => server.close());

  it('POSTs the input (defaults applied) to the entry point and returns its data', async () => {
    const result = await actions.resolve({ action: 'math.square' }).run({}, makeContext());
    expect(result).toEqual({ status: 'success', data: { squared: 9 } });
    expect(JSON.parse(server.requests.at(-1)?.body ?? '')).toMatchObject({ action: 'math.square', input: { n: 3 } });
  });

  it('applies the address policy to the entry point', async () => {
    const result = await actions.resolve({ action: 'math.metadata' }).run({}, makeContext());
    expect(result).toMatchObject({ status: 'error', error_type: 'ACTION_FORBIDDEN', is_retriable: false });
  });
});
