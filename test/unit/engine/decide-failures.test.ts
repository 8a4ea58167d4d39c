import { describe, it, expect } from 'vitest';
import { resolveEngineConfig } from '../../../src/engine/config.js';
import { resolveRetryPolicy, retryDelay } from '../../../src/engine/retry.js';
import { body, Driver } from './driver.js';

const retry = { max_attempts: 3, initial_delay_ms: 100, backoff_factor: 2, max_delay_ms: 150 };

describe('retryDelay()', () => {
  it('grows by the backoff factor and stops at max_delay_ms', () => {
    const policy = resolveRetryPolicy({ id: 't', action: 'x', depends_on: [], input: {}, retry: { ...retry, jitter: 0 } }, resolveEngineConfig());
    expect([1, 2, 3].map((n) => retryDelay(policy, n, 0.5))).toEqual([100, 150, 150]);
  });

  it('moves the delay by at most the jitter fraction either way', () => {
    const policy = resolveRetryPolicy({ id: 't', action: 'x', depends_on: [], input: {}, retry: { ...retry, jitter: 0.5 } }, resolveEngineConfig());
    expect(retryDelay(policy, 1, 0)).toBe(50);
    expect(retryDelay(policy, 1, 0.999999)).toBe(150);
  });
});

describe('step() retries', () => {
  it('records retry_attempted with the next attempt and its delay', () => {
    const d = new Driver(body([{ id: 'a', retry }]));
    d.start();
    d.fail('a');
    const event = d.events.at(-1);
    expect(event?.event_type).toBe('retry_attempted');
    expect(event?.data).toMatchObject({ attempt: 2, delay_ms: 100, error: { type: 'ACTION_FAILED', attempt: 1 } });
  });

  it('starts the retry only once its time has come', () => {
    const d = new Driver(body([{ id: 'a', retry }]));
    d.start();
    d.fail('a');
    d.now += 99;
    expect(d.send({ kind: 'settle' })).toEqual([]);
    d.now += 1;
    d.send({ kind: 'settle' });
    expect(d.commands).toMatchObject([{ kind: 'StartTask', task_id: 'a', attempt: 2 }]);
  });

  it('fails the task once max_attempts runs have failed', () => {
    const d = new Driver(body([{ id: 'a', retry }]));
    d.start();
    for (let i = 0; i < 3; i += 1) {
      d.fail('a');
      d.now += 1000;
      d.send({ kind: 'settle' });
    }
    expect(d.status('a')).toBe('failed');
    expect(d.types().filter((t) => t === 'task_started:a')).toHaveLength(3);
    expect(d.state.status).toBe('failed');
  });

  it('stops at once on an error that is not retriable', () => {
    const d = new Driver(body([{ id: 'a', retry }]));
    d.start();
    d.fail('a', 'BAD_INPUT', false);
    expect(d.status('a')).toBe('failed');
  });

  it('retries only the error types in retriable_errors', () => {
    const d = new Driver(body([{ id: 'a', retry: { ...retry, retriable_errors: ['TIMEOUT'] } }]));
    d.start();
    d.fail('a', 'CONNECTION_ERROR');
    expect(d.status('a')).toBe('failed');
  });

  it('uses the configured default attempts when the task sets none', () => {
    const d = new Driver(body([{ id: 'a' }]), { retry_max_attempts: 2, retry_initial_delay_ms: 0 });
    d.start();
    d.fail('a');
    expect(d.types().slice(-2)).toEqual(['retry_attempted:a', 'task_started:a']);
    expect(d.attemptOf('a')).toBe(2);
  });

  it('retries an interrupted task with the next attempt on recovery', () => {
    const d = new Driver(body([{ id: 'a', retry: { ...retry, retriable_errors: ['TIMEOUT'] } }]));
    d.start();
    d.send({ kind: 'recover' });
    expect(d.events.at(-2)?.data).toMatchObject({ attempt: 2, interrupted: true, error: { type: 'INTERRUPTED' } });
  });

});

describe('step() error handlers', () => {
  const wf = body([
    { id: 'deploy', on_error: 'notify' },
    { id: 'after', depends_on: ['deploy'] },
    { id: 'notify', input: { msg: '${tasks.deploy.error.message}' } },
  ]);

  it('runs the on_error handler with the failed task error in scope', () => {
    const d = new Driver(wf);
    d.start();
    d.fail('deploy', 'ACTION_FAILED', false);
    expect(d.commands.find((c) => c.kind === 'StartTask')).toMatchObject({ task_id: 'notify', input: { msg: 'deploy broke' } });
    expect(d.status('after')).toBe('skipped');
  });

  it('completes the execution when the handler succeeds', () => {
    const d = new Driver(wf);
    d.start();
    d.fail('deploy', 'ACTION_FAILED', false);
    d.complete('notify');
    expect(d.state.status).toBe('completed');
    expect(d.state.tasks.deploy?.handled_by).toBe('notify');
  });

  it('fails the execution when the handler fails', () => {
    const d = new Driver(wf);
    d.start();
    d.fail('deploy', 'ACTION_FAILED', false);
    d.fail('notify', 'ACTION_FAILED', false);
    expect(d.state.status).toBe('failed');
  });

  it('picks a global handler by error type', () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'on_timeout' }], { error_handlers: [{ error_type: 'TIMEOUT', handler: 'on_timeout' }] }));
    d.start();
    d.fail('a', 'TIMEOUT', false);
    expect(d.started()).toEqual(['on_timeout']);
  });

  it('fails the execution with the error of an unhandled failure', () => {
    const d = new Driver(body([{ id: 'a' }]));
    d.start();
    d.fail('a', 'CONNECTION_ERROR', false);
    expect(d.state.status).toBe('failed');
    expect(d.state.error).toMatchObject({ type: 'CONNECTION_ERROR', message: 'a broke' });
    expect(d.events.at(-1)?.data).toMatchObject({ task_id: 'a' });
  });

  it('fails a task whose input expression cannot be evaluated', () => {
    const d = new Driver(body([{ id: 'a', input: { x: '${nosuch.thing}' } }]));
    d.start();
    expect(d.status('a')).toBe('failed');
    expect(d.state.tasks.a?.error?.type).toMatch(/^EXPR_/);
  });
});
