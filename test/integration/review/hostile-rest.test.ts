import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openServer, type ServerHarness } from '../server/server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

const HOSTILE_IDS = ['nope', '..%2F..%2Fetc', '%2e%2e', 'a'.repeat(5000), '%F0%9F%98%80', '%00', '%ff', "'", 'demo.hello'];
const HOSTILE_BODIES: Array<{ text: string; contentType?: string }> = [
  { text: '{', contentType: 'application/json' },
  { text: '[]', contentType: 'application/json' },
  { text: 'null', contentType: 'application/json' },
  { text: '42', contentType: 'application/json; charset=utf-8' },
  { text: '{"__proto__": {"x": 1}}', contentType: 'application/json;charset=UTF-8;x=y' },
  { text: '{}', contentType: 'text/plain' },
  { text: '{}' },
];

describe('every REST route under hostile ids and bodies', () => {
  it('answers with a 4xx or a success, never a 5xx', async () => {
    const paths = (await h.call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json')).body.paths;
    const failures: string[] = [];
    for (const [path, methods] of Object.entries(paths)) {
      // streams never end by themselves; the webhook has its own tests
      if (path.startsWith('/events') || path.includes('webhook')) continue;
      for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
        for (const id of HOSTILE_IDS) {
          const url = `${path.replace(/\{[^}]+\}/g, id)}?limit=-1&limit=x&offset=abc`;
          for (const body of method === 'GET' ? [undefined] : HOSTILE_BODIES) {
            const response = await h.call(method, url, body ?? {});
            if (response.status >= 500) failures.push(`${method} ${url.slice(0, 60)} ${body?.text ?? ''} → ${response.status}`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});

describe('paging parameters', () => {
  it.each(['1e2', '0x10', ' 5', '5.0', '-1', '1001', 'abc'])("refuses limit='%s' with REQUEST_INVALID", async (limit) => {
    const response = await h.call<{ error: { code: string } }>('GET', `/api/executions?limit=${encodeURIComponent(limit)}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('REQUEST_INVALID');
  });

  it('refuses a diff context written in exponent form', async () => {
    const response = await h.call<{ error: { code: string } }>('GET', '/api/workflows/demo.hello/diff?from=1&to=1&context=1e2');
    expect(response.status).toBe(400);
  });
});

describe('POST /api/packs with a path-like ref', () => {
  it('refuses the ref and creates nothing outside the packs folder', async () => {
    const before = readdirSync(h.dir).sort();
    const response = await h.call<{ error: { code: string } }>('POST', '/api/packs', { json: { ref: '../../etc', version: '1.0.0' } });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('REQUEST_INVALID');
    expect(readdirSync(h.dir).sort()).toEqual(before);
    expect(existsSync(join(h.packsDir, '..', '..', 'etc', 'pack.yaml'))).toBe(false);
  });
});

describe('hostile workflow bodies', () => {
  it('refuses a billion-laughs YAML body with a positioned diagnostic', async () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 10; i++) {
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    }
    lines.push('name: bomb', 'version: 1.0.0', 'tasks:', '  t: { action: core.noop, input: { x: *j } }');
    const response = await h.call<{ error: { code: string; details: { diagnostics: Array<{ code: string; line: number }> } } }>('POST', '/api/workflows', {
      text: lines.join('\n'),
      contentType: 'application/yaml',
    });
    expect(response.status).toBe(422);
    expect(response.body.error.details.diagnostics[0]).toMatchObject({ code: 'YAML_ALIAS_LIMIT', line: 2 });
  });

  it('refuses duplicate keys with their line and column', async () => {
    const response = await h.call<{ error: { details: { diagnostics: Array<{ code: string; line: number; column: number }> } } }>('POST', '/api/workflows', {
      text: 'name: dup\nname: again\nversion: 1.0.0\ntasks:\n  t: { action: core.noop }\n',
      contentType: 'text/yaml; charset=utf-8',
    });
    expect(response.status).toBe(422);
    expect(response.body.error.details.diagnostics[0]).toMatchObject({ code: 'YAML_DUPLICATE_KEY', line: 2, column: 1 });
  });

  it('refuses a 10,000-task workflow naming HARMONIA_MAX_TASK_COUNT and registers nothing', async () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => ({ id: `t${i}`, action: 'core.noop' }));
    const response = await h.call<{ error: { details: { limit: string } } }>('POST', '/api/workflows', { json: { name: 'huge', version: '1.0.0', tasks } });
    expect(response.status).toBe(422);
    expect(response.body.error.details.limit).toBe('HARMONIA_MAX_TASK_COUNT');
    expect((await h.call('GET', '/api/workflows/api.huge')).status).toBe(404);
  });
});

describe('component registrations holding credentials', () => {
  it('refuses a base_url with a password without echoing it, and stores nothing', async () => {
    const refused = await h.call<{ error: { code: string } }>('POST', '/api/components', {
      json: { name: 'creds', base_url: 'http://svc:hunter2@127.0.0.1:1', capabilities: ['x'] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('REQUEST_INVALID');
    expect(refused.text).not.toContain('hunter2');
    expect((await h.call('GET', '/api/components/creds')).status).toBe(404);
  });

  it('never shows a password held in component metadata URLs', async () => {
    const created = await h.call<{ id: string }>('POST', '/api/components', {
      json: { name: 'meta', base_url: 'http://127.0.0.1:1', capabilities: ['x'], metadata: { docs: 'https://bot:hunter2@wiki.example/x' } },
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain('hunter2');
    expect((await h.call('GET', '/api/components')).text).not.toContain('hunter2');
  });
});

describe('deeply nested JSON bodies', () => {
  it('refuses 100,000 levels of nesting with 400 and starts nothing', async () => {
    const before = (await h.call<{ total: number }>('GET', '/api/executions?limit=1')).body.total;
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const response = await h.call<{ error: { code: string; message: string } }>('POST', '/api/executions', {
      text: `{"workflow_ref":"demo.hello","input":{"who":${deep}}}`,
      contentType: 'application/json',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('REQUEST_INVALID');
    expect(response.body.error.message).toContain('levels deep');
    expect((await h.call<{ total: number }>('GET', '/api/executions?limit=1')).body.total).toBe(before);
  });

  it('still takes brackets inside strings and ordinary nesting', async () => {
    const response = await h.call('PUT', '/api/executions/nope/state', { json: { text: '[[[[{{{{'.repeat(1000), a: { b: { c: [1, [2, [3]]] } } } });
    expect(response.status).toBe(404);
  });
});
