import { describe, expect, it } from 'vitest';
import { isWaitTask, parseInstant, waitSpecOf } from '../../../src/engine/wait-spec.js';

const at = Date.parse('2026-12-05T00:00:00Z');

describe('waitSpecOf()', () => {
  it('makes core.sleep with until or duration a durable wait, and leaves ms in process', () => {
    expect(isWaitTask('core.sleep', { ms: 5 })).toBe(false);
    expect(isWaitTask('core.sleep', { duration: '3d' })).toBe(true);
    expect(isWaitTask('core.signal', {})).toBe(true);
    expect(waitSpecOf('core.sleep', { duration: '3d' }, at)).toEqual({ ok: true, spec: { kind: 'sleep', deadline_ms: at + 3 * 86_400_000 } });
    expect(waitSpecOf('core.sleep', { until: '2026-12-05T10:00:00+02:00' }, at)).toEqual({ ok: true, spec: { kind: 'sleep', deadline_ms: at + 8 * 3_600_000 } });
  });

  it('bounds a signal wait by the earlier of its timeout and the task timeout_ms', () => {
    expect(waitSpecOf('core.signal', { name: 'go', timeout: '2h' }, at, 60_000)).toEqual({ ok: true, spec: { kind: 'signal', name: 'go', deadline_ms: at + 60_000 } });
    expect(waitSpecOf('core.signal', { name: 'go' }, at)).toEqual({ ok: true, spec: { kind: 'signal', name: 'go', deadline_ms: null } });
  });

  it('reads an approval with its defaults and expiration_hours', () => {
    expect(waitSpecOf('core.approval', { expiration_hours: 1.5 }, at)).toEqual({
      ok: true,
      spec: { kind: 'approval', scope: 'approve', approvers: null, message: null, on_reject: 'fail', deadline_ms: at + 5_400_000 },
    });
  });

  it('says what is wrong with a bad rendered input', () => {
    expect(waitSpecOf('core.signal', { name: 'a b' }, at)).toMatchObject({ ok: false, message: expect.stringContaining("'name' must be") });
    expect(waitSpecOf('core.approval', { scope: 'read' }, at)).toMatchObject({ ok: false, message: "'scope' must be one of approve, write, admin; got \"read\"" });
    expect(waitSpecOf('core.approval', { approvers: [] }, at)).toMatchObject({ ok: false });
    expect(waitSpecOf('core.sleep', { until: 'tomorrow' }, at)).toMatchObject({ ok: false });
    expect(parseInstant('2026-12-05')).toBeNull();
  });
});
