import { describe, it, expect } from 'vitest';
import { validateInput } from '../../../src/engine/validate-input.js';

const spec = {
  env: { type: 'string' as const, required: true, enum: ['staging', 'prod'] },
  replicas: { type: 'integer' as const, default: 2 },
  ratio: { type: 'number' as const },
};

describe('validateInput()', () => {
  it('applies defaults for missing fields', () => {
    expect(validateInput(spec, { env: 'prod' })).toEqual({ env: 'prod', replicas: 2 });
  });

  it('names a missing required field', () => {
    expect(() => validateInput(spec, {})).toThrow("input 'env' is required");
  });

  it('names a field of the wrong type', () => {
    expect(() => validateInput(spec, { env: 'prod', replicas: 1.5 })).toThrow(/input 'replicas' must be of type integer/);
  });

  it('names a value outside the enum and lists the allowed ones', () => {
    expect(() => validateInput(spec, { env: 'dev' })).toThrow(`input 'env' is "dev"; expected one of "staging", "prod"`);
  });

  it('accepts an integer where a number is declared', () => {
    expect(validateInput(spec, { env: 'prod', ratio: 3 })).toMatchObject({ ratio: 3 });
  });

  it('refuses an undeclared field', () => {
    expect(() => validateInput(spec, { env: 'prod', extra: 1 })).toThrow(/input 'extra' is not declared/);
  });

  it('accepts anything when the workflow declares no input', () => {
    expect(validateInput({}, { free: true })).toEqual({ free: true });
  });

  it('does not quote the value of a secret-named field in its error', () => {
    expect(() => validateInput({ api_key: { type: 'integer' } }, { api_key: 'sk-live-hunter2' })).toThrow(/api_key.*\*\*REDACTED\*\*/);
    expect(() => validateInput({ api_key: { type: 'integer' } }, { api_key: 'sk-live-hunter2' })).not.toThrow(/hunter2/);
  });

  it('refuses inherited names such as constructor as undeclared fields', () => {
    expect(() => validateInput(spec, { env: 'prod', constructor: 1 })).toThrow(/input 'constructor' is not declared/);
  });

  it('refuses a __proto__ key rather than letting it supply required fields', () => {
    const input = JSON.parse('{"__proto__": {"env": "prod"}}') as Record<string, unknown>;
    expect(() => validateInput(spec, input)).toThrow(/input '__proto__' is not declared/);
  });
});
