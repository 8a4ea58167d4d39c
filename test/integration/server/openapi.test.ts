import SwaggerParser from '@apidevtools/swagger-parser';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appInternals } from '../../../src/server/app.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, { 'x-harmonia-scope': string; security: unknown[] }>>;
  components: { schemas: Record<string, { title?: string }> };
};
let doc: Doc;

beforeAll(async () => {
  h = await openServer();
  doc = (await h.call<Doc>('GET', '/openapi.json')).body;
});
afterAll(async () => {
  await h.close();
});

function refsIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsIn(v, out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') out.push(inner);
      else refsIn(inner, out);
    }
  }
  return out;
}

describe('GET /openapi.json', () => {
  it('passes three independent validators: the OpenAPI 3.1 schema, swagger-parser and Redocly lint', async () => {
    expect(await new Validator().validate(structuredClone(doc))).toEqual({ valid: true });
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    const problems = await lintFromString({ source: JSON.stringify(doc), absoluteRef: 'openapi.json', config: await createConfig({ extends: ['minimal'] }) });
    expect(problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
  });

  it('is an OpenAPI 3.1 document listing every route with its scope', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const route of appInternals(h.server.app).services.routes) {
      const path = (route.base === 'api' ? `/api${route.path}` : route.path).replace(/:([A-Za-z_]+)/g, '{$1}');
      expect(doc.paths[path]?.[route.method.toLowerCase()]?.['x-harmonia-scope'], `${route.method} ${path}`).toBe(route.scope);
    }
  });

  it('includes the file schemas from schemas/ as they are', () => {
    expect(doc.components.schemas.Workflow?.title).toBe('Harmonia workflow');
    expect(doc.components.schemas.Template?.title).toBe('Harmonia template');
  });

  it('has no reference to a component it lacks', () => {
    const local = refsIn(doc).filter((r) => r.startsWith('#/components/schemas/') && !r.includes('$defs'));
    const missing = local.map((r) => r.slice('#/components/schemas/'.length)).filter((name) => !(name in doc.components.schemas));
    expect(missing).toEqual([]);
  });
});

describe('GET /docs', () => {
  it('serves a self-contained HTML page that renders the document', async () => {
    const res = await h.call('GET', '/docs');
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.text).toContain("fetch('/openapi.json')");
    expect(res.text).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  });
});
