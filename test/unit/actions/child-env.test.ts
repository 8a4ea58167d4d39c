import { describe, expect, it } from 'vitest';
import { buildChildEnv, readTaskEnv } from '../../../src/actions/child-env.js';
import { makeContext } from './make-context.js';

describe('buildChildEnv()', () => {
  it('passes only allow-listed parent variables', () => {
    const env = buildChildEnv({
      parent_env: { PATH: '/bin', SECRET_TOKEN: 'x', HOME: '/home/h' },
      allowlist: ['PATH', 'HOME'],
      ctx: makeContext(),
    });
    expect(env.SECRET_TOKEN).toBeUndefined();
    expect(env.PATH).toBe('/bin');
    expect(env.HOME).toBe('/home/h');
  });

  it('adds the task env and the HARMONIA_* context', () => {
    const env = buildChildEnv({ allowlist: [], extra: { REGION: 'eu' }, ctx: makeContext({ attempt: 2 }), input_json: '{}' });
    expect(env).toMatchObject({
      REGION: 'eu',
      HARMONIA_ATTEMPT: '2',
      HARMONIA_TASK_ID: 'task_a',
      HARMONIA_EXECUTION_ID: 'exec-1',
      HARMONIA_IDEMPOTENCY_KEY: 'exec-1:task_a',
      HARMONIA_INPUT: '{}',
    });
  });
});

describe('readTaskEnv()', () => {
  it('turns numbers and booleans into strings', () => {
    expect(readTaskEnv({ N: 3, B: true, S: 'x' })).toEqual({ N: '3', B: 'true', S: 'x' });
  });

  it('refuses names that are not identifiers', () => {
    expect(readTaskEnv({ 'A;rm': 'x' })).toBe("env name 'A;rm' is not valid; use letters, digits and '_'");
  });

  it('refuses HARMONIA_* names', () => {
    expect(readTaskEnv({ HARMONIA_ATTEMPT: '9' })).toContain('reserved');
  });

  it('refuses object values', () => {
    expect(readTaskEnv({ A: { b: 1 } })).toContain("'A' must be a string");
  });
});
