/**
 * Request body validation with ajv, against the same schemas the OpenAPI document
 * publishes (src/server/schemas). Refs between them use the OpenAPI form
 * `#/components/schemas/<Name>`, so both read one document. The server's one ajv edge:
 * the response contract check (validate-response.ts) compiles its schemas here too.
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

/** One way a value misses its schema: where, and what is wrong. */
export interface SchemaIssue {
  pointer: string;
  message: string;
}

/** Checks a value against a named component schema; an empty list when it matches. */
export type SchemaCheck = (schemaName: string, value: unknown) => SchemaIssue[];

/**
 * A checker over a whole `components.schemas` map (the OpenAPI document's), each schema
 * compiled on its first use and kept. Not strict: the file schemas of schemas/ are draft-07
 * documents with annotations ajv's strict mode does not know, and `format` is descriptive.
 */
export function createSchemaCheck(schemas: Record<string, object>): SchemaCheck {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
  ajv.addKeyword({ keyword: 'components' });
  ajv.addSchema({ $id: DOCUMENT_ID, components: { schemas } });
  const compiled = new Map<string, ValidateFunction>();
  return (schemaName, value) => {
    let validate = compiled.get(schemaName);
    if (validate === undefined) {
      if (!(schemaName in schemas)) return [{ pointer: '/', message: `no schema named '${schemaName}' in the document` }];
      validate = ajv.compile({ $ref: `${DOCUMENT_ID}#/components/schemas/${schemaName}` });
      compiled.set(schemaName, validate);
    }
    return validate(value) ? [] : (validate.errors ?? []).map(describe);
  };
}

function describe(error: ErrorObject): { pointer: string; message: string } {
  const pointer = error.instancePath === '' ? '/' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  let message = `${pointer} ${error.message ?? 'is invalid'}`;
  if (error.keyword === 'additionalProperties') message = `${pointer} has unknown property '${String(params.additionalProperty)}'`;
  if (error.keyword === 'unevaluatedProperties') message = `${pointer} has undocumented property '${String(params.unevaluatedProperty)}'`;
  if (error.keyword === 'required') message = `${pointer} is missing required property '${String(params.missingProperty)}'`;
  return { pointer, message };
}
