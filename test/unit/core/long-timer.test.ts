import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSleepAction } from '../../../src/actions/core-sleep.js';
import { guardedFetch } from '../../../src/actions/guarded-fetch.js';
import { createSystemClock } from '../../../src/engine/clock.js';
import { makeContext } from '../actions/make-context.js';

// Node's setTimeout runs any delay past 2^31-1 ms after 1 ms. Each test arms a 30-day delay,
// then waits for a short ordinary timer: an overflowed delay would have fired first.
const THIRTY_DAYS = 30 * 86_400_000;
const later = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));

describe('delays past setTimeout\'s 24.8 days', () => {
  it('the engine clock does not fire a 30-day timer early', async () => {
    let fired = false;
    const cancel = createSystemClock().setTimer(THIRTY_DAYS, () => (fired = true));
    await later();
    cancel();
    expect(fired).toBe(false);
  });

  it('core.sleep of 30 days keeps sleeping until aborted', async () => {
    const controller = new AbortController();
    let settled = false;
    const pending = createSleepAction()
      .run({ ms: THIRTY_DAYS }, makeContext({ signal: controller.signal }))
      .finally(() => (settled = true));
    await later();
    expect(settled).toBe(false);
    controller.abort(new Error('canceled by operator'));
    expect(await pending).toMatchObject({ status: 'error', error_type: 'CANCELED' });
  });

  it('an HTTP request with a 30-day timeout_ms waits for its answer', async () => {
    let arrived: (answer: () => void) => void = () => undefined;
    const request = new Promise<() => void>((resolve) => (arrived = resolve));
    const server = createServer((_req, res) => arrived(() => res.end('late')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const pending = guardedFetch({
        method: 'GET',
        url: `http://127.0.0.1:${port}/`,
        headers: {},
        signal: new AbortController().signal,
        timeout_ms: THIRTY_DAYS,
        max_bytes: 1024,
        policy: { allow_private: true },
      });
      // A timer fired early ends the fetch before it arrives: the race ends with that.
      const answer = await Promise.race([request, pending.then(() => () => undefined)]);
      await later();
      answer();
      expect(await pending).toMatchObject({ ok: true, status: 200, text: 'late' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
