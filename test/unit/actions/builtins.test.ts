import { describe, expect, it } from 'vitest';
import { createEchoAction } from '../../../src/actions/core-echo.js';
import { createFailAction } from '../../../src/actions/core-fail.js';
import { createNoopAction } from '../../../src/actions/core-noop.js';
import { createSleepAction } from '../../../src/actions/core-sleep.js';
import { makeContext } from './make-context.js';

describe('createNoopAction()', () => {
  it('returns an empty object', async () => {
    expect(await createNoopAction().run({ ignored: true }, makeContext())).toEqual({ status: 'success', data: {} });
  });
});

describe('createEchoAction()', () => {
  it('returns its input as the output', async () => {
    const input = { message: 'hi', nested: { n: 1 } };
    expect(await createEchoAction().run(input, makeContext())).toEqual({ status: 'success', data: input });
  });
});

describe('createFailAction()', () => {
  it('fails with the given error type, message and retriability', async () => {
    const result = await createFailAction().run(
      { error_type: 'QUOTA', error_message: 'over quota', is_retriable: true },
      makeContext(),
    );
    expect(result).toEqual({ status: 'error', error_type: 'QUOTA', error_message: 'over quota', is_retriable: true });
  });

  it('defaults to a non-retriable ACTION_FAILED', async () => {
    expect(await createFailAction().run({}, makeContext())).toMatchObject({ error_type: 'ACTION_FAILED', is_retriable: false });
  });
});

describe('createSleepAction()', () => {
  it('reports how long it slept', async () => {
    expect(await createSleepAction().run({ ms: 1 }, makeContext())).toEqual({ status: 'success', data: { slept_ms: 1 } });
  });

  it('stops early with TIMEOUT when the deadline signal fires', async () => {
    const controller = new AbortController();
    const pending = createSleepAction().run({ ms: 60_000 }, makeContext({ signal: controller.signal }));
    controller.abort(new DOMException('deadline', 'TimeoutError'));
    expect(await pending).toMatchObject({ status: 'error', error_type: 'TIMEOUT', is_retriable: true });
  });

  it('stops early with CANCELED when the task is canceled', async () => {
    const controller = new AbortController();
    const pending = createSleepAction().run({ ms: 60_000 }, makeContext({ signal: controller.signal }));
    controller.abort(new Error('canceled by operator'));
    expect(await pending).toMatchObject({ status: 'error', error_type: 'CANCELED', is_retriable: false });
  });

  it('refuses a negative duration', async () => {
    expect(await createSleepAction().run({ ms: -5 }, makeContext())).toMatchObject({
      error_type: 'ACTION_INPUT_INVALID',
      is_retriable: false,
    });
  });
});
