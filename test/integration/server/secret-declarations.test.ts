/**
 * An input named like a secret (`password`, `api_key`) is declared under that name in the
 * workflow's definition: the declaration names a secret and holds none, so the API shows
 * it (the console's run form is generated from it) and hides only its default and choices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowDetail } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

const DEFAULT_KEY = 'k-live-8f2a9c77';

let h: ServerHarness;

beforeAll(async () => {
  h = await openServer({
    files: {
      'demo/workflows/login.yaml': [
        'version: 1.0.0',
        'input:',
        '  password: { type: string, required: true, secret: true, description: the database password }',
        `  api_key: { type: string, default: ${DEFAULT_KEY} }`,
        'tasks:',
        '  use: { action: core.noop }',
        '',
      ].join('\n'),
    },
  });
});

afterAll(async () => {
  await h?.close();
});

describe('a workflow whose inputs are named like secrets', () => {
  it('is answered with each input declared, its default hidden', async () => {
    const { status, body } = await h.call<WorkflowDetail>('GET', '/api/v1/workflows/demo.login');
    expect(status).toBe(200);
    expect(body.definition.input).toEqual({
      password: { type: 'string', required: true, secret: true, description: 'the database password' },
      api_key: { type: 'string', default: '**REDACTED**' },
    });
  });
});
