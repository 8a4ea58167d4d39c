/** A timed-out attempt ends when its process has stopped: what it prints meanwhile is in its log, and the retry never overlaps it. */
import { afterEach, describe, it, expect } from 'vitest';
import type { TaskLogPage } from '../../../src/core/wire.js';
import { readSse } from './sse-client.js';
import { openServer, type ServerHarness } from './server-harness.js';

const SLOW_TO_STOP = {
  // Attempt 1 times out and ignores SIGTERM (so it is killed after the kill grace); attempt 2 passes.
  'demo/workflows/slow_stop.yaml': [
    'version: 1.0.0',
    'tasks:',
    '  t:',
    '    action: core.shell',
    '    timeout_ms: 1500',
    '    retry: { max_attempts: 2, initial_delay_ms: 1 }',
    '    input:',
    '      shell: true',
    '      command: |',
    '        if [ "$HARMONIA_ATTEMPT" -ge 2 ]; then echo "attempt 2 started"; exit 0; fi',
    '        trap \'echo "got TERM"; sleep 30\' TERM',
    '        echo "waiting"',
    '        sleep 30 & wait',
    '',
  ].join('\n'),
};

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('output after a timeout', () => {
  it('keeps what a timed-out attempt prints while it is stopped, and starts the retry only after it was killed', async () => {
    h = await openServer({ files: SLOW_TO_STOP });
    const started = await h.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.slow_stop', input: {} } });
    const id = started.body.execution_id;
    const followed = await readSse(`${h.url}/events/executions/${id}/logs`, { until: (m) => m.event === 'end' });
    const seen = followed.messages.filter((m) => m.event === 'log').map((m) => JSON.parse(m.data) as { attempt: number; line: string });
    const shown = seen.map((l) => `${l.attempt} ${l.line.replace(/ \d+ ms/g, ' N ms')}`);
    // The process's first line and the engine's timeout note come from two writers: only the
    // process's own lines keep an order with each other (a loaded machine can start the shell late).
    expect(shown.indexOf('1 waiting')).toBeGreaterThanOrEqual(0);
    expect(shown.indexOf('1 waiting')).toBeLessThan(shown.indexOf('1 got TERM'));
    expect(shown.filter((line) => line !== '1 waiting')).toEqual([
      '1 timed out after N ms: stopping the task',
      '1 got TERM',
      '1 still running N ms after SIGTERM: killed',
      "1 failed with TIMEOUT: task 't' ran longer than its timeout of N ms; attempt 2 in N ms",
      '2 attempt 2 started',
    ]);
    // The follower saw every stored line, in seq order.
    const page = await h.call<TaskLogPage>('GET', `/api/v1/executions/${id}/logs`);
    expect(page.body.items.map((l) => l.line)).toEqual(seen.map((l) => l.line));
  });
});
