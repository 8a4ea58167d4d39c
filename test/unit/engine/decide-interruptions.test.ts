import { describe, it, expect } from 'vitest';
import { body, Driver } from './driver.js';

describe('step() interruptions by the engine', () => {
  it('runs an interrupted task again without a retry policy, attempt number grown', () => {
    const d = new Driver(body([{ id: 'a' }, { id: 'b', depends_on: ['a'] }]));
    d.start();
    d.send({ kind: 'recover' });
    expect(d.events.at(-2)?.data).toMatchObject({ attempt: 2, interrupted: true, delay_ms: 0, error: { type: 'INTERRUPTED' } });
    expect(d.started()).toEqual(['a']);
    expect(d.attemptOf('a')).toBe(2);
    d.complete('a');
    d.complete('b');
    expect(d.state.status).toBe('completed');
  });

  it('does not spend the retry budget on interruptions', () => {
    const d = new Driver(body([{ id: 'a', retry: { max_attempts: 2, initial_delay_ms: 0 } }]));
    d.start();
    d.send({ kind: 'recover' });
    d.send({ kind: 'recover' });
    d.fail('a');
    expect(d.status('a')).toBe('running');
    expect(d.attemptOf('a')).toBe(4);
    d.fail('a');
    expect(d.status('a')).toBe('failed');
    expect(d.state.tasks.a?.error?.type).toBe('ACTION_FAILED');
  });

  it('fails the attempt with INTERRUPTED once max_task_interruptions is reached', () => {
    const d = new Driver(body([{ id: 'a' }]), { limits: { max_task_interruptions: 2 } });
    d.start();
    d.send({ kind: 'recover' });
    d.send({ kind: 'recover' });
    expect(d.status('a')).toBe('running');
    d.send({ kind: 'recover' });
    expect(d.status('a')).toBe('failed');
    expect(d.state.tasks.a?.error?.type).toBe('INTERRUPTED');
    expect(d.state.status).toBe('failed');
  });

  it('lets a retry policy retry INTERRUPTED past the limit, charged to its budget', () => {
    const d = new Driver(body([{ id: 'a', retry: { max_attempts: 2, initial_delay_ms: 0, retriable_errors: ['INTERRUPTED'] } }]), {
      limits: { max_task_interruptions: 1 },
    });
    d.start();
    d.send({ kind: 'recover' });
    d.send({ kind: 'recover' });
    const last = d.events.filter((e) => e.event_type === 'retry_attempted').at(-1);
    expect(last?.data).toMatchObject({ attempt: 3, error: { type: 'INTERRUPTED' } });
    expect(last?.data).not.toHaveProperty('interrupted');
    expect(d.status('a')).toBe('running');
    d.send({ kind: 'recover' });
    expect(d.status('a')).toBe('failed');
  });

  it('counts interruptions of fan-out items per item', () => {
    const d = new Driver(body([{ id: 'fan', with_items: '${[1, 2]}' }]), { limits: { max_task_interruptions: 1 } });
    d.start();
    d.send({ kind: 'recover' });
    expect(d.attemptOf('fan', 0)).toBe(2);
    expect(d.attemptOf('fan', 1)).toBe(2);
    d.complete('fan', 'x', 0);
    d.complete('fan', 'y', 1);
    expect(d.state.status).toBe('completed');
    expect(d.state.tasks.fan?.output).toEqual(['x', 'y']);
  });
});

describe('step() empty fan-out', () => {
  it('completes a with_items task that resolves to [] at once, with output []', () => {
    const d = new Driver(body([{ id: 'fan', with_items: '${input.list}' }, { id: 'after', depends_on: ['fan'] }]));
    d.start({ list: [] });
    expect(d.status('fan')).toBe('completed');
    expect(d.state.tasks.fan?.output).toEqual([]);
    expect(d.started()).toEqual(['after']);
    d.complete('after');
    expect(d.state.status).toBe('completed');
    expect(d.events.filter((e) => e.task_id === 'fan').map((e) => e.event_type)).toEqual(['task_completed']);
  });
});
