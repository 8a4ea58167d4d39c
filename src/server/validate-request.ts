/**
 * Request body validation with ajv, against the same schemas the OpenAPI document
 * publishes (src/server/schemas). Refs between them use the OpenAPI form
 * `#/components/schemas/<Name>`, so both read one document.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { HarmoniaError } from '../core/errors.js';
import { REQUEST_SCHEMAS } from './schemas/request-schemas.js';

const DOCUMENT_ID = 'harmonia-api';

/** Validates a parsed body against a named request schema; throws REQUEST_INVALID listing every problem. */
export type RequestValidator = (schemaName: string, body: unknown) => void;

/** Compiles every request schema once. */
export function createRequestValidator(): RequestValidator {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  // the schemas live under an OpenAPI-shaped `components` key so their refs match the published document
  ajv.addKeyword({ keyword: 'components' });
  ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas: REQUEST_SCHEMAS } });
  const compiled = new Map<string, ValidateFunction>();
  for (const name of Object.keys(REQUEST_SCHEMAS)) {
    compiled.set(name, ajv.compile({ $ref: `${DOCUMENT_ID}#/components/schemas/${name}` }));
  }
  return (schemaName, body) => {
    const validate = compiled.get(schemaName);
    if (!validate) throw new HarmoniaError('INTERNAL', `no request schema named '${schemaName}'`);
    if (validate(body)) return;
    const errors = (validate.errors ?? []).map(describe);
    throw new HarmoniaError('REQUEST_INVALID', `request body does not match ${schemaName}: ${errors.map((e) => e.message).join('; ')}`, {
      details: { errors },
    });
  };
}

function describe(error: ErrorObject): { pointer: string; message: string } {
  const pointer = error.instancePath === '' ? '/' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  let message = `${pointer} ${error.message ?? 'is invalid'}`;
  if (error.keyword === 'additionalProperties') message = `${pointer} has unknown property '${String(params.additionalProperty)}'`;
  if (error.keyword === 'required') message = `${pointer} is missing required property '${String(params.missingProperty)}'`;
  return { pointer, message };
}
