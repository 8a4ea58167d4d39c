import { describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { eventText } from '../../../src/store/event-text.js';

const base = { execution_id: 'e-1', workflow_id: 'w-1', timestamp: '2026-12-05T21:00:00.000Z' };

describe('eventText()', () => {
  it('gives the text JSON.stringify gives an event as the engine stamps it', () => {
    const events = [
      { event_type: 'workflow_started', data: { workflow_ref: 'a.b', workflow_version: 1, input: { x: 'q"uote\\' }, parent_execution_id: null, parent_task_id: null }, ...base, seq: 1 },
      { event_type: 'task_started', task_id: 't"0\u2028', data: { attempt: 1, input: {} }, ...base, seq: 2 },
      { event_type: 'task_completed', task_id: 't0', data: { attempt: 1, output: { at: new Date(0), n: [1, undefined] } }, execution_id: 'e-2', workflow_id: 'w-1', timestamp: '2026-12-05T21:00:00.001Z', seq: 3 },
      { event_type: 'task_completed', task_id: 't1', data: { attempt: 1, output: {} }, ...base, seq: 4 },
    ] as unknown as ExecutionEvent[];
    for (const event of events) expect(eventText(event)).toBe(JSON.stringify(event));
  });

  it('leaves out the position, which has its own column', () => {
    const event = { event_type: 'task_started', task_id: 't0', data: { attempt: 1, input: {} }, ...base, seq: 2, position: 17 } as unknown as ExecutionEvent;
    const { position: _position, ...rest } = event;
    expect(eventText(event)).toBe(JSON.stringify(rest));
  });

  it('writes the keys in the engine order whatever order the object holds them in', () => {
    const event = { seq: 5, data: { terminated: false }, event_type: 'workflow_canceled', ...base } as unknown as ExecutionEvent;
    expect(JSON.parse(eventText(event))).toEqual(JSON.parse(JSON.stringify(event)));
    expect(Object.keys(JSON.parse(eventText(event)) as object)).toEqual(['event_type', 'data', 'execution_id', 'workflow_id', 'timestamp', 'seq']);
  });

  it('serialises an event with other keys or unexpected types whole', () => {
    const extra = { event_type: 'task_started', task_id: 't0', data: {}, ...base, seq: 2, note: 'kept' } as unknown as ExecutionEvent;
    expect(eventText(extra)).toBe(JSON.stringify(extra));
    const odd = { event_type: 'task_started', task_id: 7, data: {}, ...base, seq: Number.NaN } as unknown as ExecutionEvent;
    expect(eventText(odd)).toBe(JSON.stringify(odd));
  });

  it('leaves out a payload JSON cannot write, as JSON.stringify does', () => {
    const event = { event_type: 'workflow_paused', data: undefined, ...base, seq: 9 } as unknown as ExecutionEvent;
    expect(eventText(event)).toBe(JSON.stringify(event));
  });
});

describe('eventText() payloads', () => {
  const event = (data: unknown, taskId: unknown = 't0'): ExecutionEvent => ({ event_type: 'task_completed', task_id: taskId, data, ...base, seq: 3 }) as unknown as ExecutionEvent;
  class Point {
    constructor(readonly x: number) {}
  }
  const payloads: unknown[] = [
    {},
    [],
    null,
    { attempt: 1, input: {} },
    { attempt: 1, output: [] },
    { n: -0, big: 1e21, small: 5e-324, nan: Number.NaN, inf: -Infinity, t: true, f: false, z: null },
    { u: undefined, fn: () => 1, sym: Symbol('s'), kept: 'yes' },
    { u: undefined },
    { 2: 'b', 1: 'a', x: 'c', '-1': 'd' },
    { 'q"uote': 'back\\slash', 'new\nline': 'tab\there', ctl: '\u0001\u001f', del: '\u007f', sep: '\u2028\u2029' },
    { lone: '\ud800', pair: '\ud83d\ude00', lowAlone: 'x\udc00y' },
    { date: new Date(0), point: new Point(2), nested: { a: [1, { b: {} }], e: {} }, arr: [undefined, () => 1] },
    { json: { toJSON: () => 'custom' } },
    Object.assign(Object.create(null) as object, { proto: 'none', inner: Object.create(null) as object }),
    Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 }),
    Object.defineProperty({ shown: 1 }, 'hidden', { value: 2, enumerable: false }),
    { toJSON: () => ({ replaced: true }) },
    'text',
    42,
  ];
  it('writes each payload as JSON.stringify writes it', () => {
    for (const data of payloads) expect(eventText(event(data))).toBe(JSON.stringify(event(data)));
  });

  it('quotes task ids as JSON.stringify does', () => {
    const ids = ['plain', '', 'with "quote"', 'back\\slash', 'ctl\u0000', '\ud800', 'emoji \ud83d\ude00', 'é', 'tab\t', '\u001f', ' \u007f', '\u2028\u2029', 'x\udfff', '\ud7ff\ue000', '/slash', 'a'.repeat(300)];
    // Every character below 0x80, and the edges of the surrogates, alone and between plain ones.
    for (let code = 0; code < 0x80; code += 1) ids.push(String.fromCharCode(code), `t${String.fromCharCode(code)}0`);
    for (const code of [0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfeff, 0xffff]) ids.push(`t${String.fromCharCode(code)}`);
    for (const id of ids) {
      expect(eventText(event({}, id))).toBe(JSON.stringify(event({}, id)));
    }
  });

  it('throws on a bigint, as JSON.stringify does', () => {
    expect(() => eventText(event({ n: 1n }))).toThrow(TypeError);
  });
});
