/**
 * The response contract check (validate_responses, off by default): every answer a route
 * gives is held against what /openapi.json says the operation answers — its status must be
 * declared (route-responses.ts), its media type must be the declared one and a JSON body
 * must match the declared schema, errors included. Schemas are read closed (closed-schemas.ts):
 * a field the document does not name is a mismatch too. A mismatch is logged and answered 500
 * RESPONSE_CONTRACT_VIOLATION naming the operation, the status and the first fields that
 * differ, so a test that meets one fails where the server and its document disagree.
 */
import type { Logger } from 'pino';
import { closeSchemas } from './closed-schemas.js';
import { HarmoniaError } from '../core/errors.js';
import { errorResponse } from './error-middleware.js';
import { loadFileSchemas } from './openapi.js';
import type { ResponseDef, RouteDef } from './route.js';
import { routeResponses } from './route-responses.js';
import { REQUEST_SCHEMAS } from './schemas/request-schemas.js';
import { RESPONSE_SCHEMAS } from './schemas/response-schemas.js';
import { createSchemaCheck, type SchemaCheck, type SchemaIssue } from './validate-request.js';

const JSON_MEDIA = 'application/json';
/** Issues quoted in a violation's message; the details hold them all. */
const QUOTED_ISSUES = 3;

/** What a route answered, as the client receives it. */
export interface Answer {
  status: number;
  /** The Content-Type header sent (parameters such as charset are ignored). */
  content_type: string | undefined;
  /** The JSON text sent, when the body is JSON. */
  json_text?: string;
}

export interface ResponseContract {
  /** Thrown when the answer is not one the operation declares: RESPONSE_CONTRACT_VIOLATION. */
  checkAnswer(route: RouteDef, answer: Answer): void;
  /**
   * The error to answer with in place of `error`: `error` itself when the operation declares
   * the status it maps to and its body matches the Error schema, else a violation.
   */
  checkError(route: RouteDef, error: unknown): unknown;
}

// Apps of one process share their compiled schemas: the document depends only on the
// schema files' folder, and compiling is most of a check's cost.
const CHECKS = new Map<string, SchemaCheck>();

function schemaCheckFor(schemasDir: string | null): SchemaCheck {
  const key = schemasDir ?? '';
  let check = CHECKS.get(key);
  if (check === undefined) {
    const schemas = { ...REQUEST_SCHEMAS, ...RESPONSE_SCHEMAS, ...loadFileSchemas(schemasDir) };
    check = createSchemaCheck(closeSchemas(schemas, new Set(Object.keys(RESPONSE_SCHEMAS))));
    CHECKS.set(key, check);
  }
  return check;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function operationOf(route: RouteDef): string {
  return `${route.method} ${route.base === 'api' ? `/api${route.path}` : route.path}`;
}

/** Creates the check over the schemas of `schemasDir` (the package's schemas/ folder). */
export function createResponseContract(options: { schemas_dir: string | null; logger: Logger }): ResponseContract {
  const check = schemaCheckFor(options.schemas_dir);
  const declared = new WeakMap<RouteDef, Record<number, ResponseDef>>();
  const responsesOf = (route: RouteDef): Record<number, ResponseDef> => {
    let responses = declared.get(route);
    if (responses === undefined) {
      responses = routeResponses(route);
      declared.set(route, responses);
    }
    return responses;
  };

  const violation = (route: RouteDef, status: number, problem: string, issues: SchemaIssue[] = [], cause?: unknown): HarmoniaError => {
    const operation = operationOf(route);
    const quoted = issues.slice(0, QUOTED_ISSUES).map((i) => i.message);
    const more = issues.length > QUOTED_ISSUES ? `; and ${issues.length - QUOTED_ISSUES} more` : '';
    const message = `${operation} answered ${status} ${problem}${quoted.length > 0 ? `: ${quoted.join('; ')}${more}` : ''}; see /openapi.json`;
    options.logger.error({ operation, status, issues }, `response contract violation: ${message}`);
    return new HarmoniaError('RESPONSE_CONTRACT_VIOLATION', message, { details: { operation, status, issues }, ...(cause !== undefined ? { cause } : {}) });
  };

  const checkBody = (route: RouteDef, status: number, response: ResponseDef, text: string): void => {
    if (response.schema === undefined) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw violation(route, status, 'a body that is not JSON');
    }
    const issues = check(response.schema, value);
    if (issues.length > 0) throw violation(route, status, `a body that does not match ${response.schema}`, issues);
  };

  return {
    checkAnswer(route, answer) {
      const response = responsesOf(route)[answer.status];
      if (response === undefined) throw violation(route, answer.status, 'a status the operation does not declare');
      const expected = mediaType(response.content_type ?? JSON_MEDIA);
      const sent = mediaType(answer.content_type);
      if (answer.content_type !== undefined && sent !== expected) {
        throw violation(route, answer.status, `with content type '${sent}' where '${expected}' is declared`);
      }
      if (answer.json_text !== undefined) checkBody(route, answer.status, response, answer.json_text);
    },
    checkError(route, error) {
      const { status, body } = errorResponse(error, 'contract-check');
      const response = responsesOf(route)[status];
      if (response === undefined) {
        return violation(route, status, `(${body.error.code}: ${body.error.message}), a status the operation does not declare`, [], error);
      }
      const issues = check(response.schema ?? 'Error', body);
      return issues.length > 0 ? violation(route, status, 'an error whose body does not match the Error schema', issues, error) : error;
    },
  };
}
