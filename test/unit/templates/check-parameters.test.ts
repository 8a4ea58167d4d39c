import { describe, expect, it } from 'vitest';
import type { ParameterSpec } from '../../../src/core/model.js';
import { checkParameters } from '../../../src/templates/check-parameters.js';

const specs: Record<string, ParameterSpec> = {
  service: { type: 'string', required: true },
  environment: { type: 'string', default: 'staging', enum: ['staging', 'production'] },
  replicas: { type: 'integer', default: 2 },
  ratio: { type: 'number' },
};

describe('checkParameters()', () => {
  it('applies defaults', () => {
    expect(checkParameters(specs, { service: 'api' })).toEqual({
      ok: true,
      values: { service: 'api', environment: 'staging', replicas: 2 },
    });
  });

  it('reports a missing required parameter', () => {
    expect(checkParameters(specs, {})).toEqual({
      ok: false,
      problem: { parameter: 'service', message: "parameter 'service' is required" },
    });
  });

  it('reports a value of the wrong type', () => {
    expect(checkParameters(specs, { service: 'api', replicas: 2.5 })).toMatchObject({
      problem: { parameter: 'replicas', message: "parameter 'replicas' must be of type integer; got number 2.5" },
    });
  });

  it('accepts an integer where a number is declared', () => {
    expect(checkParameters(specs, { service: 'api', ratio: 1 }).ok).toBe(true);
  });

  it('reports a value outside the enum', () => {
    expect(checkParameters(specs, { service: 'api', environment: 'prod' })).toMatchObject({
      problem: { parameter: 'environment', message: "parameter 'environment' must be one of 'staging', 'production'; got 'prod'" },
    });
  });

  it('suggests the closest name for an unknown parameter', () => {
    expect(checkParameters(specs, { servise: 'api' })).toMatchObject({
      problem: { parameter: 'servise', message: "unknown parameter 'servise'; did you mean 'service'?" },
    });
  });

  it('does not quote the value of a secret-named parameter in its problem', () => {
    const result = checkParameters({ db_password: { type: 'integer' } }, { db_password: 'hunter2' });
    expect(result).toEqual({
      ok: false,
      problem: { parameter: 'db_password', message: "parameter 'db_password' must be of type integer; got string **REDACTED**" },
    });
  });
});
