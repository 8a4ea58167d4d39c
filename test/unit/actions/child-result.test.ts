import { describe, expect, it } from 'vitest';
import { childResult, lastJsonObjectLine } from '../../../src/actions/child-result.js';

const signal = new AbortController().signal;

describe('lastJsonObjectLine()', () => {
  it('returns the last line that parses as a JSON object', () => {
    expect(lastJsonObjectLine('{"a":1}\nlog line\n{"b":2}\ntrailing text\n')).toEqual({ b: 2 });
  });

  it('ignores JSON that is not an object', () => {
    expect(lastJsonObjectLine('[1,2]\n42\n"text"\n')).toBeNull();
  });

  it('skips a line that looks like an object but is not JSON', () => {
    expect(lastJsonObjectLine('{"ok":true}\n{not json}\n')).toEqual({ ok: true });
  });
});

describe('childResult()', () => {
  it('uses the printed object as the output of a zero exit', () => {
    const outcome = { kind: 'exited', exit_code: 0, exit_signal: null, stdout: 'hi\n{"x":1}\n', stderr: '' } as const;
    expect(childResult(outcome, signal, 'script', 100)).toEqual({ status: 'success', data: { x: 1 } });
  });

  it('falls back to stdout, stderr and exit_code when nothing is printed as JSON', () => {
    const outcome = { kind: 'exited', exit_code: 0, exit_signal: null, stdout: 'plain\n', stderr: 'warn\n' } as const;
    expect(childResult(outcome, signal, 'script', 100)).toEqual({
      status: 'success',
      data: { stdout: 'plain\n', stderr: 'warn\n', exit_code: 0 },
    });
  });

  it('reads error_type, error_message and is_retriable printed by a failing child', () => {
    const stdout = '{"error_type":"VALIDATION","error_message":"bad ref","is_retriable":false}\n';
    const outcome = { kind: 'exited', exit_code: 3, exit_signal: null, stdout, stderr: '' } as const;
    expect(childResult(outcome, signal, 'script', 100)).toEqual({
      status: 'error',
      error_type: 'VALIDATION',
      error_message: 'bad ref',
      is_retriable: false,
    });
  });

  it('reports a silent non-zero exit as a retriable ACTION_FAILED naming the code and stderr', () => {
    const outcome = { kind: 'exited', exit_code: 2, exit_signal: null, stdout: '', stderr: 'boom\n' } as const;
    expect(childResult(outcome, signal, "action 'p.x'", 100)).toEqual({
      status: 'error',
      error_type: 'ACTION_FAILED',
      error_message: "action 'p.x' exited with code 2: boom",
      is_retriable: true,
    });
  });

  it('reports oversized output as TASK_OUTPUT_TOO_LARGE', () => {
    const result = childResult({ kind: 'too_large', stdout: '', stderr: '' }, signal, 'script', 10);
    expect(result).toMatchObject({ status: 'error', error_type: 'TASK_OUTPUT_TOO_LARGE', is_retriable: false });
  });

  it('reports an abort for a timeout as TIMEOUT', () => {
    const aborted = AbortSignal.abort(new DOMException('deadline', 'TimeoutError'));
    const result = childResult({ kind: 'aborted', stdout: '', stderr: '' }, aborted, 'script', 10);
    expect(result).toMatchObject({ status: 'error', error_type: 'TIMEOUT', is_retriable: true });
  });

  it('reports any other abort as CANCELED', () => {
    const aborted = AbortSignal.abort(new Error('operator canceled'));
    const result = childResult({ kind: 'aborted', stdout: '', stderr: '' }, aborted, 'script', 10);
    expect(result).toMatchObject({ status: 'error', error_type: 'CANCELED', is_retriable: false });
  });
});
