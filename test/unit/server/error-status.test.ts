import { describe, expect, it } from 'vitest';
import { HarmoniaError } from '../../../src/core/errors.js';
import { errorResponse } from '../../../src/server/error-middleware.js';
import { ERROR_STATUS } from '../../../src/core/error-status.js';

describe('ERROR_STATUS', () => {
  it('maps every code to a client or server error status', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(status >= 400 && status < 600, code).toBe(true);
    }
  });
});

describe('errorResponse()', () => {
  it('answers a HarmoniaError with its status, code, message and masked details', () => {
    const error = new HarmoniaError('PACK_NOT_FOUND', "unknown pack 'x'", { details: { pack: 'x', token: 'abc' } });
    expect(errorResponse(error, 'r1')).toEqual({
      status: 404,
      body: { error: { code: 'PACK_NOT_FOUND', message: "unknown pack 'x'", details: { pack: 'x', token: '**REDACTED**' } } },
      internal: false,
    });
  });

  it('quotes at most 1,000 characters of a long message or detail, saying how much it left out', () => {
    const ref = 'a'.repeat(100_000);
    const { body } = errorResponse(new HarmoniaError('WORKFLOW_NOT_FOUND', `unknown workflow '${ref}'`, { details: { workflow_ref: ref, limit: 5 } }), 'r2');
    expect(body.error.message.length).toBeLessThan(1_100);
    expect(body.error.message).toMatch(/^unknown workflow 'a+… \(99019 more characters\)$/);
    expect((body.error.details as { workflow_ref: string }).workflow_ref.length).toBeLessThan(1_100);
    expect((body.error.details as { limit: number }).limit).toBe(5);
  });

  it('answers anything else with a generic 500 naming the request id and no stack', () => {
    const result = errorResponse(new TypeError('cannot read x of undefined'), 'req-9');
    expect(result.status).toBe(500);
    expect(result.body.error).toEqual({
      code: 'INTERNAL',
      message: "internal error; quote request id 'req-9' when reporting it",
      details: { request_id: 'req-9' },
    });
  });
});
