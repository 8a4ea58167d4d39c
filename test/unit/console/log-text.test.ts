import { describe, expect, it } from 'vitest';
import { formatLogText } from '../../../console/src/execution/log-text.js';

describe('formatLogText()', () => {
  it('writes each log line after its time, stream and fan-out item, its text as stored', () => {
    const text = formatLogText([
      { seq: 1, task_id: 'build', attempt: 1, stream: 'stdout', at: '2026-01-01T00:00:01.000Z', line: 'compiling  two spaces' },
      { seq: 2, task_id: 'build', item_index: 3, attempt: 1, stream: 'stderr', at: '2026-01-01T00:00:02.000Z', line: 'warning' },
      { seq: 3, task_id: 'build', attempt: 1, stream: 'system', at: '2026-01-01T00:00:03.000Z', line: 'failed with ACTION_FAILED: a\nb; attempt 2 in 1 ms' },
    ]);
    expect(text).toBe(
      [
        '2026-01-01T00:00:01.000Z stdout compiling  two spaces',
        '2026-01-01T00:00:02.000Z stderr [item 3] warning',
        '2026-01-01T00:00:03.000Z system failed with ACTION_FAILED: a\nb; attempt 2 in 1 ms',
        '',
      ].join('\n'),
    );
  });

  it('is empty for an empty log', () => {
    expect(formatLogText([])).toBe('');
  });
});
