import { describe, expect, it } from 'vitest';
import { initialRaw, parseParams } from '../../../console/src/components/parse-params.js';
import type { ParameterSpec } from '../../../src/core/model.js';

const specs: Record<string, ParameterSpec> = {
  env: { type: 'string', enum: ['staging', 'prod'], required: true },
  replicas: { type: 'integer', default: 2 },
  ratio: { type: 'number' },
  dry_run: { type: 'boolean', default: true },
  tags: { type: 'array' },
  extra: { type: 'object' },
};

describe('parseParams()', () => {
  it('types every field from its spec and leaves empty optional fields out', () => {
    const raw = { ...initialRaw(specs), env: 'prod', ratio: '0.5', tags: '["a"]' };
    expect(parseParams(specs, raw)).toEqual({ values: { env: 'prod', replicas: 2, ratio: 0.5, dry_run: true, tags: ['a'] }, errors: {} });
  });

  it('names each wrong field with what it must be', () => {
    const raw = { env: '', replicas: '2.5', ratio: 'x', dry_run: false, tags: '{"a":1}', extra: '{oops' };
    expect(parseParams(specs, raw).errors).toEqual({
      env: 'required',
      replicas: 'a whole number',
      ratio: 'a number',
      tags: 'a JSON array',
      extra: 'valid JSON (object)',
    });
  });

  it('refuses a value outside the enum', () => {
    expect(parseParams(specs, { env: 'dev' }).errors.env).toBe('one of staging, prod');
  });
});
