import { describe, it, expect } from 'vitest';
import { body, Driver } from './driver.js';

describe('step() scheduling', () => {
  it('starts independent root tasks in parallel up to max_concurrent_tasks', () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'b' }, { id: 'c' }]), { max_concurrent_tasks: 2 });
    d.start();
    expect(d.started()).toEqual(['a', 'b']);
    d.complete('a');
    expect(d.started()).toEqual(['c']);
  });

  it('starts a dependant only after its upstream completed', () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'b', depends_on: ['a'] }]));
    d.start();
    expect(d.started()).toEqual(['a']);
    d.complete('a', { n: 1 });
    expect(d.started()).toEqual(['b']);
    expect(d.types().slice(0, 4)).toEqual(['workflow_started', 'task_started:a', 'task_completed:a', 'task_started:b']);
  });

  it('renders task input from upstream outputs', () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'b', depends_on: ['a'], input: { x: '${tasks.a.output.n}', s: 'n=${tasks.a.output.n}' } }]));
    d.start();
    d.complete('a', { n: 7 });
    const start = d.commands.find((c) => c.kind === 'StartTask');
    expect(start).toMatchObject({ task_id: 'b', input: { x: 7, s: 'n=7' } });
  });

  it('completes the workflow with its output evaluated', () => {
    const d = new Driver(body([{ id: 'a' }], { output: { total: '${tasks.a.output.n + 1}' } }));
    d.start();
    d.complete('a', { n: 41 });
    expect(d.state.status).toBe('completed');
    expect(d.state.output).toEqual({ total: 42 });
  });

  it('renders an output without expressions as data, building no view of the tasks for it', () => {
    const d = new Driver(body([{ id: 'a' }], { output: { fixed: 'x', n: 1, list: [true, null], escaped: 'cost $${5}' } }));
    d.start();
    d.complete('a', { n: 41 });
    expect(d.state.status).toBe('completed');
    // the escape makes it a template: rendered with the whole scope, as before
    expect(d.state.output).toEqual({ fixed: 'x', n: 1, list: [true, null], escaped: 'cost ${5}' });
    const plain = new Driver(body([{ id: 'a' }], { output: { fixed: 'x', nested: { n: 1 } } }));
    plain.start();
    plain.complete('a');
    expect(plain.state.output).toEqual({ fixed: 'x', nested: { n: 1 } });
    expect(plain.state.view).toBeNull();
  });

  it('never starts a handler as a root and skips it when nothing failed', () => {
    const d = new Driver(body([{ id: 'a', on_error: 'h' }, { id: 'h' }]));
    d.start();
    expect(d.started()).toEqual(['a']);
    d.complete('a');
    expect(d.status('h')).toBe('skipped');
    expect(d.state.tasks.h?.skip_reason).toBe('not_triggered');
    expect(d.state.status).toBe('completed');
  });

  it('skips a task whose condition is false', () => {
    const d = new Driver(body([{ id: 'a', condition: '${input.go}' }]));
    d.start({ go: false });
    expect(d.status('a')).toBe('skipped');
    expect(d.state.tasks.a?.skip_reason).toBe('condition');
  });

  it('propagates a skip to all_success dependants', () => {
    const d = new Driver(body([{ id: 'a', condition: '${false}' }, { id: 'b', depends_on: ['a'] }, { id: 'c', depends_on: ['b'] }]));
    d.start();
    expect(d.types()).toEqual(['workflow_started', 'task_skipped:a', 'task_skipped:b', 'task_skipped:c', 'workflow_completed']);
  });

  it('runs an all_done task after its upstream failed', () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'cleanup', depends_on: ['a'], trigger_rule: 'all_done' }]));
    d.start();
    d.fail('a', 'ACTION_FAILED', false);
    expect(d.started()).toEqual(['cleanup']);
    d.complete('cleanup');
    expect(d.state.status).toBe('failed');
  });

  it('runs a none_failed task after a skipped upstream but not after a failed one', () => {
    const d = new Driver(
      body([
        { id: 'skip', condition: '${false}' },
        { id: 'bad' },
        { id: 'x', depends_on: ['skip'], trigger_rule: 'none_failed' },
        { id: 'y', depends_on: ['bad'], trigger_rule: 'none_failed' },
      ]),
    );
    d.start();
    expect(d.started()).toEqual(['bad', 'x']);
    d.fail('bad', 'ACTION_FAILED', false);
    expect(d.status('y')).toBe('skipped');
  });

  it('runs a one_success task as soon as one upstream completed', () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'b' }, { id: 'c', depends_on: ['a', 'b'], trigger_rule: 'one_success' }]));
    d.start();
    d.complete('a');
    expect(d.started()).toEqual(['c']);
  });

  it('skips a one_success task when every upstream failed or was skipped', () => {
    const d = new Driver(body([{ id: 'a', condition: '${false}' }, { id: 'c', depends_on: ['a'], trigger_rule: 'one_success' }]));
    d.start();
    expect(d.status('c')).toBe('skipped');
  });

  it('ignores a result for an attempt that is not running', () => {
    const d = new Driver(body([{ id: 'a' }]));
    d.start();
    const commands = d.send({ kind: 'result', task_id: 'a', attempt: 5, result: { status: 'success', data: {} } });
    expect(commands).toEqual([]);
    expect(d.status('a')).toBe('running');
  });

  it('fails a task whose output is larger than the limit', () => {
    const d = new Driver(body([{ id: 'a' }]), { limits: { max_task_output_bytes: 10 } });
    d.start();
    d.complete('a', { text: 'far more than ten bytes' });
    expect(d.state.tasks.a?.error?.type).toBe('TASK_OUTPUT_TOO_LARGE');
    expect(d.state.status).toBe('failed');
  });

  it('counts the output limit in UTF-8 bytes of its JSON', () => {
    // {"t":"ééé"}: 11 UTF-16 units, 14 bytes; units × 3 is over either limit, so bytes decide.
    const at = (limit: number) => {
      const d = new Driver(body([{ id: 'a' }]), { limits: { max_task_output_bytes: limit } });
      d.start();
      d.complete('a', { t: 'ééé' });
      return d.state.tasks.a?.error;
    };
    expect(at(14)).toBeNull();
    expect(at(13)).toMatchObject({ type: 'TASK_OUTPUT_TOO_LARGE', message: "task 'a' returned 14 bytes of output; the limit is 13" });
  });

  it('fails the execution when it would exceed max_events_per_execution', () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'b', depends_on: ['a'] }, { id: 'c', depends_on: ['b'] }]), {
      limits: { max_events_per_execution: 4 },
    });
    d.start();
    d.complete('a');
    expect(d.state.status).toBe('failed');
    expect(d.state.error?.type).toBe('EXEC_LIMIT');
    expect(d.events.length).toBeLessThanOrEqual(4);
  });

  it('fails the execution when its deadline passes', () => {
    const d = new Driver(body([{ id: 'a' }]));
    d.start();
    const commands = d.send({ kind: 'execution_timeout' });
    expect(commands.map((c) => c.kind)).toEqual(['AbortUnit', 'FailWorkflow']);
    expect(d.state.error?.type).toBe('TIMEOUT');
    expect(d.status('a')).toBe('canceled');
  });

  it('numbers events 1..N without gaps', () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'b', depends_on: ['a'] }]));
    d.start();
    d.complete('a');
    d.complete('b');
    expect(d.events.map((e) => e.seq)).toEqual(d.events.map((_e, i) => i + 1));
  });
});
