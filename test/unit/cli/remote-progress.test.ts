import { describe, expect, it } from 'vitest';
import { applyEvent, createWatchModel, describeEvent, renderWatch, taskFraction } from '../../../src/cli/commands/remote-progress.js';
import { createColors } from '../../../src/cli/output/colors.js';
import type { EventType, ExecutionEvent } from '../../../src/core/model.js';
import type { ExecutionDetail, TaskStatusView } from '../../../src/core/wire.js';

const pending: TaskStatusView = { status: 'pending', attempts: 0, started_at: null, finished_at: null, duration_ms: 0, duration: 0, error: null };

function detail(tasks: string[]): ExecutionDetail {
  return {
    id: 'e1',
    execution_id: 'e1',
    workflow_id: 'w1',
    workflow_ref: 'demo.flow',
    workflow_version: 1,
    status: 'running',
    input: {},
    output: null,
    error: null,
    parent_execution_id: null,
    parent_task_id: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    finished_at: null,
    last_seq: 1,
    canceling: false,
    started_at: '2026-01-01T00:00:00.000Z',
    task_statuses: Object.fromEntries(tasks.map((t) => [t, pending])),
  };
}

let seq = 1;
function event(event_type: EventType, task_id: string | undefined, data: Record<string, unknown> = {}, ms = 0): ExecutionEvent {
  seq += 1;
  return {
    event_type,
    execution_id: 'e1',
    workflow_id: 'w1',
    ...(task_id !== undefined ? { task_id } : {}),
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms)).toISOString(),
    seq,
    data,
  } as ExecutionEvent;
}

describe('applyEvent()', () => {
  it('moves a task from pending through running to completed with its duration', () => {
    seq = 1;
    const model = createWatchModel(detail(['build']));
    applyEvent(model, event('task_started', 'build', { attempt: 1 }, 0));
    expect(model.tasks[0]?.status).toBe('running');
    applyEvent(model, event('task_completed', 'build', { attempt: 1 }, 250));
    expect(model.tasks[0]).toMatchObject({ status: 'completed', duration_ms: 250 });
  });

  it('counts finished items of a fan-out task', () => {
    seq = 1;
    const model = createWatchModel(detail(['fan']));
    applyEvent(model, event('task_started', 'fan', { attempt: 1, items: [1, 2, 3, 4] }));
    applyEvent(model, event('task_completed', 'fan', { attempt: 1, item_index: 0 }));
    applyEvent(model, event('task_failed', 'fan', { attempt: 1, item_index: 1, error: { type: 'X', message: 'y' } }));
    expect(model.tasks[0]?.items).toEqual({ total: 4, completed: 1, failed: 1 });
    expect(taskFraction(model.tasks[0]!)).toBe(0.5);
  });

  it('ignores events at or below the seq the model already reflects', () => {
    seq = 0;
    const model = createWatchModel(detail(['build']));
    applyEvent(model, event('task_started', 'build'));
    expect(model.tasks[0]?.status).toBe('pending');
  });

  it('takes the execution status from workflow events', () => {
    seq = 1;
    const model = createWatchModel(detail(['build']));
    applyEvent(model, event('workflow_paused', undefined));
    expect(model.status).toBe('paused');
    applyEvent(model, event('workflow_failed', undefined, { error: { type: 'TIMEOUT', message: 'too slow' } }));
    expect(model.status).toBe('failed');
  });
});

describe('renderWatch()', () => {
  it('draws a header and one bar per task', () => {
    seq = 1;
    const model = createWatchModel(detail(['build', 'deploy']));
    applyEvent(model, event('task_started', 'build', { attempt: 1 }, 0));
    applyEvent(model, event('task_completed', 'build', { attempt: 1 }, 1500));
    expect(renderWatch(model, createColors(false))).toEqual([
      'demo.flow  e1  running  1/2 tasks',
      '  build   [####################] 100%  completed  1.5s',
      '  deploy  [--------------------]   0%  pending',
    ]);
  });
});

describe('renderWatch() on a terminal of a given size', () => {
  it('fits the terminal: the tasks under way first, the rest counted on one line', () => {
    seq = 1;
    const ids = Array.from({ length: 1000 }, (_, i) => `t${i}`);
    const model = createWatchModel(detail(ids));
    for (let i = 0; i < 900; i += 1) {
      applyEvent(model, event('task_started', `t${i}`, { attempt: 1 }, 0));
      applyEvent(model, event('task_completed', `t${i}`, { attempt: 1 }, 1));
    }
    applyEvent(model, event('task_started', 't950', { attempt: 1 }, 2));
    applyEvent(model, event('task_started', 't951', { attempt: 1 }, 2));
    applyEvent(model, event('task_failed', 't951', { attempt: 1, error: { type: 'TIMEOUT', message: 'too slow' } }, 3));
    const lines = renderWatch(model, createColors(false), { rows: 6, columns: 80 });
    expect(lines).toEqual([
      'demo.flow  e1  running  901/1000 tasks',
      '  t950  [~~~~~~~~~~~~~~~~~~~~]       running',
      '  t951  [####################] 100%  failed  1ms  TIMEOUT: too slow',
      '  t900  [--------------------]   0%  pending',
      '  … 997 more tasks: 900 completed, 97 pending',
    ]);
  });

  it('cuts a line wider than the terminal, so a redraw moves up over exactly what it drew', () => {
    seq = 1;
    const model = createWatchModel(detail(['build']));
    applyEvent(model, event('task_started', 'build', { attempt: 1 }, 0));
    applyEvent(model, event('task_failed', 'build', { attempt: 1, error: { type: 'ACTION_FAILED', message: 'x'.repeat(200) } }, 5));
    const lines = renderWatch(model, createColors(true), { rows: 24, columns: 60 });
    expect(lines[1]?.length).toBe(60);
    expect(lines[1]?.endsWith('…')).toBe(true);
  });
});

describe('describeEvent()', () => {
  it('names the task, the item, the attempt and the error', () => {
    seq = 1;
    const line = describeEvent(event('task_failed', 'fan', { attempt: 2, item_index: 3, error: { type: 'TIMEOUT', message: 'too slow' } }, 42));
    expect(line).toBe('00:00:00.042  #2  task fan item 3 failed (attempt 2): TIMEOUT: too slow');
  });
});
