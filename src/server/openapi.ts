/**
 * The OpenAPI 3.1 document, built from the route table and the schemas: request
 * and response schemas from src/server/schemas, file formats (workflow, template,
 * pack, action) from the package's schemas/ folder, read as they are.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RouteDef, StreamRouteDef } from './route.js';
import { routeResponses } from './route-responses.js';
import { REQUEST_SCHEMAS } from './schemas/request-schemas.js';
import { RESPONSE_SCHEMAS } from './schemas/response-schemas.js';

/** Components named after the JSON Schema files of schemas/. */
export const FILE_SCHEMAS: Record<string, string> = {
  Workflow: 'workflow.schema.json',
  Template: 'template.schema.json',
  Pack: 'pack.schema.json',
  Action: 'action.schema.json',
};

export interface OpenApiOptions {
  version: string;
  schemas_dir: string | null;
}

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });

/** Builds the document once; it depends only on the route table and schema files. */
export function buildOpenApiDocument(routes: readonly RouteDef[], streams: readonly StreamRouteDef[], options: OpenApiOptions): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const path = (route.base === 'api' ? `/api${route.path}` : route.path).replace(/:([A-Za-z_]+)/g, '{$1}');
    const pathParams = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    const queryParams = (route.query ?? []).map((q) => ({
      name: q.name,
      in: 'query',
      required: false,
      description: q.description,
      schema: { type: q.type, ...(q.enum !== undefined ? { enum: [...q.enum] } : {}) },
    }));
    const operation: Record<string, unknown> = {
      operationId: operationId(route),
      tags: [route.tag],
      summary: route.summary,
      'x-harmonia-scope': route.scope,
      security: securityOf(route),
      parameters: [
        ...pathParams,
        ...queryParams,
        ...(route.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } })),
      ],
      responses: responsesOf(route),
    };
    if (route.body) {
      const content: Record<string, object> = {};
      for (const type of route.body.types) {
        const schema = route.body.schema !== undefined ? ref(route.body.schema) : ref('Workflow');
        if (type === 'json') content['application/json'] = { schema };
        else content['application/yaml'] = { schema };
      }
      operation.requestBody = { required: route.body.required, content };
    }
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Harmonia API',
      version: options.version,
      description:
        'Workflow orchestration over one port. Every path under /api is also served under /api/v1. ' +
        'Errors are `{error: {code, message, details}}`. WebSocket endpoints: ' +
        streams.map((s) => `\`${s.path}\` (scope ${s.scope}): ${s.summary}`).join(' '),
    },
    servers: [{ url: '/' }],
    'x-websockets': streams.map((s) => ({ path: s.path, scope: s.scope, summary: s.summary, query: s.query })),
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'HARMONIA_API_TOKENS or a token from `harmonia token create`.' },
        webhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Hub-Signature-256',
          description:
            'Webhook routes take no bearer token: GitHub signs the raw body with HMAC-SHA256 of HARMONIA_GIT_WEBHOOK_SECRET ' +
            '(`X-Hub-Signature-256: sha256=<hex>`); GitLab sends the secret in `X-Gitlab-Token`, other senders in `X-Harmonia-Token`.',
        },
      },
      schemas: { ...REQUEST_SCHEMAS, ...RESPONSE_SCHEMAS, ...loadFileSchemas(options.schemas_dir) },
    },
  };
}

function responsesOf(route: RouteDef): Record<string, object> {
  const out: Record<string, object> = {};
  for (const [status, response] of Object.entries(routeResponses(route))) {
    const contentType = response.content_type ?? 'application/json';
    out[status] = {
      description: response.description,
      ...(response.schema !== undefined || contentType !== 'application/json'
        ? { content: { [contentType]: response.schema !== undefined ? { schema: ref(response.schema) } : {} } }
        : {}),
    };
  }
  return out;
}

function securityOf(route: RouteDef): object[] {
  if (route.scope === 'public') return [];
  if (route.scope === 'webhook') return [{ webhookSignature: [] }];
  return [{ bearer: [route.scope] }];
}

function operationId(route: RouteDef): string {
  const words = `${route.method.toLowerCase()} ${route.base === 'api' ? '' : 'root '}${route.path}`
    .replace(/:([A-Za-z_]+)/g, 'by $1')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return words.map((w, i) => (i === 0 ? w : w[0]?.toUpperCase() + w.slice(1))).join('');
}

/** The schemas of schemas/ as components, their $defs as components of their own. */
export function loadFileSchemas(dir: string | null): Record<string, object> {
  const out: Record<string, object> = {};
  const nameOfFile = new Map(Object.entries(FILE_SCHEMAS).map(([name, file]) => [file, name]));
  for (const [name, file] of Object.entries(FILE_SCHEMAS)) {
    const path = dir === null ? null : join(dir, file);
    if (path !== null && existsSync(path)) {
      // Each file's $defs become components of their own and every $ref (within the file or to
      // a sibling file) points at them, so the document resolves with no outside reference.
      const { $id: _id, $schema: _schema, $defs, ...schema } = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown> & { $defs?: Record<string, unknown> };
      const rewrite = (value: unknown): unknown => {
        if (Array.isArray(value)) return value.map(rewrite);
        if (value === null || typeof value !== 'object') return value;
        const copy: Record<string, unknown> = {};
        for (const [key, inner] of Object.entries(value)) {
          if (key === '$ref' && typeof inner === 'string') {
            const match = /^([^#]*)#\/\$defs\/(.+)$/.exec(inner);
            const owner = match ? (match[1] === '' ? name : nameOfFile.get(match[1] ?? '')) : undefined;
            copy[key] = match && owner ? `#/components/schemas/${owner}_${match[2] ?? ''}` : inner;
          } else copy[key] = rewrite(inner);
        }
        return copy;
      };
      out[name] = rewrite(schema) as object;
      for (const [def, body] of Object.entries($defs ?? {})) out[`${name}_${def}`] = rewrite(body) as object;
    } else {
      out[name] = { type: 'object', description: `schemas/${file} was not found when the server started` };
    }
  }
  out['WorkflowDefinition'] = registeredDefinition(out['Workflow']);
  return out;
}

/**
 * A registered workflow's `definition`: the file's fields, except that triggers are kept
 * normalised (durations in ms, defaults filled in), as the scheduler reads them.
 */
function registeredDefinition(file: object | undefined): object {
  const workflow = (file ?? {}) as { properties?: Record<string, unknown> };
  if (workflow.properties === undefined) return { type: 'object' };
  return {
    ...workflow,
    description: 'The workflow as registered: the fields of a workflow file, with `triggers` normalised (RegisteredTriggers).',
    properties: { ...workflow.properties, triggers: ref('RegisteredTriggers') },
  };
}
