import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  createClient,
  ForbiddenError,
  HarmoniaClientError,
  NotFoundError,
  TimeoutError,
  UnauthorizedError,
  UnavailableError,
  ValidationError,
} from '../../../src/client/index.js';
import { openHarness, type ClientHarness } from './client-harness.js';

const ADMIN = 'admin-token-1234';
const READER = 'reader-token-5678';

let harness: ClientHarness;

beforeAll(async () => {
  harness = await openHarness({ tokens: `${ADMIN},${READER}:read` });
});

afterAll(async () => {
  await harness.close();
});

const admin = () => createClient({ baseUrl: harness.url, token: ADMIN });

/** Resolves to what `promise` rejected with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('HarmoniaClient errors', () => {
  it('throws NotFoundError with the server code for an unknown execution', async () => {
    const error = await rejection(admin().getWorkflowStatus('no-such-execution'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(HarmoniaClientError);
    expect(error).toMatchObject({ status: 404, code: 'EXEC_NOT_FOUND' });
  });

  it('throws NotFoundError when the event stream of an unknown execution is opened', async () => {
    const error = await rejection(admin().events('no-such-execution').next());
    expect(error).toMatchObject({ name: 'NotFoundError', status: 404 });
  });

  it('throws ValidationError with positioned diagnostics for an invalid workflow', async () => {
    const error = await rejection(
      admin().createWorkflow({ name: 'broken', tasks: { deploy: { action: 'core.noop', depends_on: ['biuld'] } } }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    const validation = error as ValidationError;
    expect(validation.status).toBe(422);
    expect(validation.diagnostics.length).toBeGreaterThan(0);
    expect(validation.diagnostics[0]).toMatchObject({ severity: 'error', pointer: expect.stringContaining('/depends_on') });
    expect(validation.diagnostics[0]?.message).toContain('biuld');
  });

  it('throws ValidationError for a malformed request', async () => {
    const error = await rejection(admin().listWorkflows({ limit: 5000 }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ status: 400, code: 'REQUEST_INVALID', diagnostics: [] });
  });

  it('throws UnauthorizedError when no token is sent to a server that requires one', async () => {
    const error = await rejection(createClient({ baseUrl: harness.url }).listWorkflows());
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ status: 401 });
  });

  it('throws UnauthorizedError for an unknown token', async () => {
    const error = await rejection(createClient({ baseUrl: harness.url, token: 'wrong-token-0000' }).listWorkflows());
    expect(error).toBeInstanceOf(UnauthorizedError);
  });

  it('throws ForbiddenError when the token lacks the scope', async () => {
    const reader = createClient({ baseUrl: harness.url, token: READER });
    expect((await reader.listWorkflows()).items.length).toBeGreaterThan(0);
    const error = await rejection(reader.createWorkflow({ name: 'nope', tasks: { a: { action: 'core.noop' } } }));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error).toMatchObject({ status: 403 });
  });

  it('sends the token on the event stream too', async () => {
    const client = admin();
    const execution = await client.executeWorkflow({ workflow_ref: 'data_pipeline.daily_sales', input: { day: '2026-02-01' } });
    const types: string[] = [];
    for await (const event of client.events(execution.execution_id)) types.push(event.event_type);
    expect(types.at(-1)).toBe('workflow_completed');
  });

  it('throws ConflictError when a verb does not fit the execution status', async () => {
    const client = admin();
    const execution = await client.executeWorkflow({ workflow_ref: 'data_pipeline.daily_sales', input: { day: '2026-02-02' } });
    await client.waitForCompletion(execution.execution_id);
    const error = await rejection(client.pauseExecution(execution.execution_id));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, code: 'EXEC_INVALID_STATE' });
  });

  it('throws UnavailableError when nothing listens at the URL', async () => {
    const port = await closedPort();
    const error = await rejection(createClient({ baseUrl: `http://127.0.0.1:${port}` }).getServerStatus());
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ status: 0, code: 'CONNECTION_ERROR' });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('throws TimeoutError when an execution does not finish within timeoutMs', async () => {
    const client = admin();
    const workflow = await client.createWorkflow({ name: 'sleepy', tasks: { wait: { action: 'core.sleep', input: { ms: 600_000 } } } });
    const execution = await client.executeWorkflow({ workflow_id: workflow.workflow_id });
    const error = await rejection(client.waitForCompletion(execution.execution_id, { timeoutMs: 100 }));
    expect(error).toBeInstanceOf(TimeoutError);
    await client.cancelExecution(execution.execution_id);
  });
});
