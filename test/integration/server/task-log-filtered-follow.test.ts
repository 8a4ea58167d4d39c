/** A filtered follower passes the lines its filter leaves out once, and its end names the execution's last line. */
import { afterEach, describe, it, expect } from 'vitest';
import type { TaskLogPage } from '../../../src/core/wire.js';
import { readSse } from './sse-client.js';
import { openServer, type ServerHarness } from './server-harness.js';

const CHATTY_THEN_QUIET = {
  // `loud` prints thousands of lines in many batches around the one line of `quiet`.
  'demo/workflows/mixed.yaml': [
    'version: 1.0.0',
    'tasks:',
    '  loud:',
    '    action: core.shell',
    '    input: { shell: true, command: "seq 1 3000; echo \'{}\'" }',
    '  quiet:',
    '    action: core.shell',
    '    depends_on: [loud]',
    '    input: { shell: true, command: "echo hush" }',
    '  after:',
    '    action: core.shell',
    '    depends_on: [quiet]',
    '    input: { shell: true, command: "seq 1 2000; echo \'{}\'" }',
    '',
  ].join('\n'),
};

let h: ServerHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a filtered log follower', () => {
  it('gets exactly the matching lines, and ends at the execution\'s last line (a cursor with nothing after it)', async () => {
    h = await openServer({ files: CHATTY_THEN_QUIET });
    const started = await h.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.mixed', input: {} } });
    const id = started.body.execution_id;
    const followed = await readSse(`${h.url}/events/executions/${id}/logs?task=quiet`, { until: (m) => m.event === 'end' });
    expect(followed.messages.filter((m) => m.event === 'log').map((m) => (JSON.parse(m.data) as { line: string }).line)).toEqual(['hush']);
    const end = JSON.parse(followed.messages.at(-1)?.data ?? '{}') as { last_seq: number };
    let last = 0;
    for (let after = 0; ; ) {
      const page = await h.call<TaskLogPage>('GET', `/api/v1/executions/${id}/logs?limit=10000&after=${after}`);
      last = page.body.items.at(-1)?.seq ?? last;
      if (page.body.next === null) break;
      after = page.body.next;
    }
    expect(end.last_seq).toBe(last);
    // Resuming there finds nothing more, filtered or not.
    const resumed = await h.call<TaskLogPage>('GET', `/api/v1/executions/${id}/logs?after=${end.last_seq}`);
    expect(resumed.body.items).toEqual([]);
  });
});
