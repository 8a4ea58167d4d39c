import { describe, expect, it } from 'vitest';
import { createRequestValidator } from '../../../src/server/validate-request.js';

describe('createRequestValidator()', () => {
  it('accepts a body that matches its schema', () => {
    const validate = createRequestValidator();
    expect(() => validate('StartExecutionRequest', { workflow_ref: 'ci_cd.deploy_app', input: {} })).not.toThrow();
  });

  it('lists every problem of a body, following refs between schemas', () => {
    const validate = createRequestValidator();
    let caught: unknown;
    try {
      validate('CreateTemplateRequest', { name: 'x', parameters: { a: { type: 'strin' } }, extra: 1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'REQUEST_INVALID' });
    expect((caught as Error).message).toMatchInlineSnapshot(`"request body does not match CreateTemplateRequest: / is missing required property 'workflow_definition_id'; / has unknown property 'extra'; /parameters/a/type must be equal to one of the allowed values"`);
  });
});
