import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import type { ComponentView, ErrorResponse, PackView } from '../../../src/core/wire.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
let health: Server;
let healthUrl = '';

beforeAll(async () => {
  h = await openServer({
    files: {
      'extra/pack.yaml': 'ref: extra\nversion: 1.0.0\n',
      'extra/workflows/ping.yaml': 'version: 1.0.0\ntasks:\n  ping:\n    action: core.noop\n',
      'bad/pack.yaml': 'ref: bad\nversion: 1.0.0\n',
      'bad/workflows/oops.yaml': 'version: 1.0.0\ntasks:\n  a:\n    action: core.nope\n',
    },
  });
  health = createServer((req, res) => {
    res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await h.close();
  await new Promise((resolve) => health.close(resolve));
});

type SyncBody = { ok: boolean; registered_count: number; diagnostics: Diagnostic[] };

describe('packs', () => {
  it('lists registered packs with workflow counts', async () => {
    const res = await h.call<{ items: PackView[] }>('GET', '/api/packs');
    expect(res.body.items).toEqual([expect.objectContaining({ ref: 'demo', label: 'Demo', workflow_count: 3 })]);
  });

  it('creates a pack and syncs its folder', async () => {
    const res = await h.call<{ pack: PackView; sync: SyncBody }>('POST', '/api/packs', { json: { ref: 'extra', label: 'Extra', version: '1.0.0' } });
    expect(res.status).toBe(201);
    expect(res.body.pack).toMatchObject({ ref: 'extra', workflow_count: 1 });
    expect(res.body.sync).toMatchObject({ ok: true, registered_count: 1 });
  });

  it('creates a pack whose sync fails and reports the failure', async () => {
    const res = await h.call<{ pack: PackView; sync: { ok: boolean; error: { code: string } } }>('POST', '/api/packs', {
      json: { ref: 'ghost', version: '1.0.0' },
    });
    expect(res.status).toBe(201);
    expect(res.body.pack.ref).toBe('ghost');
    expect(res.body.sync).toMatchObject({ ok: false, error: { code: 'PACK_NOT_FOUND' } });
  });

  it('refuses to create a pack twice with 409', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/packs', { json: { ref: 'extra', version: '1.0.0' } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('PACK_EXISTS');
  });

  it('re-syncs a pack with PUT', async () => {
    const res = await h.call<SyncBody>('PUT', '/api/packs/extra');
    expect(res.body).toMatchObject({ ok: true, registered_count: 0 });
  });

  it('reads one pack and answers an unknown one with 404', async () => {
    expect((await h.call<PackView>('GET', '/api/packs/extra')).body.workflow_count).toBe(1);
    expect((await h.call('GET', '/api/packs/nope')).status).toBe(404);
  });

  it('validates a pack folder and reports its diagnostics', async () => {
    const res = await h.call<SyncBody>('POST', '/api/packs/bad/workflows/validate');
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.diagnostics[0]).toMatchObject({ code: 'ACTION_UNKNOWN', line: 4 });
  });

  it('answers validation of an unknown pack with 404', async () => {
    const res = await h.call<ErrorResponse>('POST', '/api/packs/nope/workflows/validate');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('PACK_NOT_FOUND');
  });

  it('answers a sync of an invalid pack with 422 and its diagnostics', async () => {
    const res = await h.call<ErrorResponse & { error: { details: { diagnostics: Diagnostic[] } } }>('POST', '/api/packs/bad/workflows/sync');
    expect(res.status).toBe(422);
    expect(res.body.error.details.diagnostics[0]?.code).toBe('ACTION_UNKNOWN');
  });

  it('syncs every pack folder', async () => {
    const res = await h.call<{ ok: boolean; packs: Array<{ pack_ref: string }> }>('POST', '/api/packs/sync', { json: { prune: false } });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.packs.map((p) => p.pack_ref)).toEqual(['bad', 'demo', 'extra']);
  });

  it('deletes a pack', async () => {
    const res = await h.call('DELETE', '/api/packs/extra');
    expect(res.body).toMatchObject({ deleted: true, pack_ref: 'extra', pruned: ['extra.ping'] });
    expect((await h.call('GET', '/api/packs/extra')).status).toBe(404);
  });
});

describe('components', () => {
  let id = '';

  it('registers a component and masks secrets in its metadata', async () => {
    const res = await h.call<ComponentView>('POST', '/api/components', {
      json: { name: 'deployer', base_url: healthUrl, capabilities: ['rollout'], metadata: { api_key: 'abc', version: '1.0.0' } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'deployer', capabilities: ['rollout'], metadata: { api_key: '**REDACTED**', version: '1.0.0' } });
    id = res.body.component_id;
  });

  it('lists components and reads one by id or name', async () => {
    const list = await h.call<{ items: ComponentView[] }>('GET', '/api/components');
    expect(list.body.items.map((c) => c.name)).toEqual(['deployer']);
    expect((await h.call<ComponentView>('GET', '/api/components/deployer')).body.id).toBe(id);
  });

  it('records a heartbeat', async () => {
    const res = await h.call<ComponentView>('POST', `/api/components/${id}/heartbeat`);
    expect(res.body.last_heartbeat_at).not.toBeNull();
  });

  it('tests a component by probing its health endpoint', async () => {
    const res = await h.call<{ ok: boolean; status: number; reachable: boolean }>('POST', `/api/components/${id}/test`);
    expect(res.body).toMatchObject({ ok: true, status: 200, reachable: true });
  });

  it('answers a malformed registration with 400', async () => {
    expect((await h.call('POST', '/api/components', { json: { name: 'x' } })).status).toBe(400);
  });

  it('unregisters a component', async () => {
    expect((await h.call('DELETE', `/api/components/${id}`)).status).toBe(200);
    const res = await h.call<ErrorResponse>('GET', `/api/components/${id}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('COMPONENT_NOT_FOUND');
  });
});
