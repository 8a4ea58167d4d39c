import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { HarmoniaError } from '../../../src/core/errors.js';
import { closeSchemas } from '../../../src/server/closed-schemas.js';
import type { RouteDef } from '../../../src/server/route.js';
import { createSchemaCheck } from '../../../src/server/validate-request.js';
import { createResponseContract } from '../../../src/server/validate-response.js';

const contract = createResponseContract({ schemas_dir: null, logger: pino({ level: 'silent' }) });

function route(extra: Partial<RouteDef> = {}): RouteDef {
  return {
    method: 'GET',
    path: '/components/:id',
    base: 'api',
    scope: 'read',
    tag: 'components',
    summary: 'test',
    responses: { 200: { description: 'The component.', schema: 'CheckpointView' } },
    handler: () => Promise.resolve({}),
    ...extra,
  };
}

const checkpoint = { id: 'c1', checkpoint_id: 'c1', execution_id: 'e1', seq: 3, created_at: '2026-01-01T00:00:00.000Z' };
const json = (value: unknown) => ({ status: 200, content_type: 'application/json; charset=utf-8', json_text: JSON.stringify(value) });

describe('createResponseContract()', () => {
  it('accepts a body that matches its schema exactly', () => {
    expect(() => contract.checkAnswer(route(), json(checkpoint))).not.toThrow();
  });

  it('refuses a field the document does not name, naming the operation and the field', () => {
    const thrown = (() => {
      try {
        contract.checkAnswer(route(), json({ ...checkpoint, secret_sauce: 1 }));
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(thrown).toBeInstanceOf(HarmoniaError);
    expect(thrown).toMatchObject({
      code: 'RESPONSE_CONTRACT_VIOLATION',
      message:
        "GET /api/components/:id answered 200 a body that does not match CheckpointView: / has undocumented property 'secret_sauce'; see /openapi.json",
      details: { operation: 'GET /api/components/:id', status: 200 },
    });
  });

  it('refuses a missing required field and a wrong type', () => {
    const { seq: _seq, ...withoutSeq } = checkpoint;
    expect(() => contract.checkAnswer(route(), json(withoutSeq))).toThrow("/ is missing required property 'seq'");
    expect(() => contract.checkAnswer(route(), json({ ...checkpoint, seq: '3' }))).toThrow('/seq must be integer');
  });

  it('refuses a status the operation does not declare', () => {
    expect(() => contract.checkAnswer(route(), { status: 202, content_type: undefined })).toThrow(
      'GET /api/components/:id answered 202 a status the operation does not declare',
    );
  });

  it('refuses a media type other than the declared one', () => {
    const text = route({ responses: { 200: { description: 'Metrics.', content_type: 'text/plain' } } });
    expect(() => contract.checkAnswer(text, { status: 200, content_type: 'text/plain; version=0.0.4' })).not.toThrow();
    expect(() => contract.checkAnswer(text, json({}))).toThrow("with content type 'application/json' where 'text/plain' is declared");
  });

  it('lets an error through when the operation declares its status, and replaces it when not', () => {
    const notFound = new HarmoniaError('EXEC_NOT_FOUND', "execution 'x' does not exist");
    expect(contract.checkError(route(), notFound)).toBe(notFound);
    const conflict = new HarmoniaError('EXEC_INVALID_STATE', 'cannot pause a finished execution');
    const replaced = contract.checkError(route(), conflict);
    expect(replaced).toMatchObject({
      code: 'RESPONSE_CONTRACT_VIOLATION',
      message:
        'GET /api/components/:id answered 409 (EXEC_INVALID_STATE: cannot pause a finished execution), a status the operation does not declare; see /openapi.json',
      cause: conflict,
    });
  });

  it('declares 404 only on operations with a path parameter', () => {
    const listing = route({ path: '/components' });
    const notFound = new HarmoniaError('NOT_FOUND', 'no such thing');
    expect(contract.checkError(listing, notFound)).toMatchObject({ code: 'RESPONSE_CONTRACT_VIOLATION' });
  });
});

describe('closeSchemas()', () => {
  const schemas = {
    Base: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
    Extended: { allOf: [{ $ref: '#/components/schemas/Base' }, { type: 'object', properties: { b: { type: 'integer' } } }] },
    Open: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: true },
  };
  const check = createSchemaCheck(closeSchemas(schemas, new Set(Object.keys(schemas))));

  it('refuses undocumented fields of a plain object', () => {
    expect(check('Base', { a: 'x' })).toEqual([]);
    expect(check('Base', { a: 'x', z: 1 }).map((i) => i.message)).toEqual(["/ has undocumented property 'z'"]);
  });

  it('reads allOf branches open and closes the whole', () => {
    expect(check('Extended', { a: 'x', b: 1 })).toEqual([]);
    expect(check('Extended', { a: 'x', b: 1, z: 1 }).map((i) => i.message)).toEqual(["/ has undocumented property 'z'"]);
  });

  it('leaves a schema that says additionalProperties as it is', () => {
    expect(check('Open', { a: 'x', z: 1 })).toEqual([]);
  });
});
