import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createComponentService, type ComponentService } from '../../../src/components/component-service.js';
import { HarmoniaError } from '../../../src/core/errors.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { closedPort, sendJson, startServer } from '../actions/http-server.js';

describe('createComponentService()', () => {
  let dir: string;
  let store: Store;
  let service: ComponentService;
  let clock: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-components-'));
    store = createSqliteStore({ file: join(dir, 'harmonia.db'), synchronous: 'NORMAL' });
    clock = Date.parse('2026-01-01T00:00:00Z');
    service = createComponentService({ repo: store.components, now: () => new Date(clock) });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a component and lists it', async () => {
    const record = await service.register({
      name: 'deployer',
      base_url: 'http://127.0.0.1:9000/',
      capabilities: ['rollout', { name: 'status', description: 'report rollout status' }],
      metadata: { version: '1.0.0' },
    });
    expect(record).toMatchObject({
      name: 'deployer',
      base_url: 'http://127.0.0.1:9000',
      capabilities: ['rollout', 'status'],
      metadata: { version: '1.0.0', capability_details: [{ name: 'status', description: 'report rollout status' }] },
      registered_at: '2026-01-01T00:00:00.000Z',
    });
    expect(await service.list()).toEqual([record]);
  });

  it('keeps the id and first registration time when a component registers again', async () => {
    const first = await service.register({ name: 'deployer', base_url: 'http://127.0.0.1:9000', capabilities: ['rollout'] });
    clock += 60_000;
    const second = await service.register({ name: 'deployer', base_url: 'http://127.0.0.1:9001', capabilities: ['rollout', 'undo'] });
    expect(second.id).toBe(first.id);
    expect(second.registered_at).toBe(first.registered_at);
    expect(await service.get(first.id)).toMatchObject({ base_url: 'http://127.0.0.1:9001', capabilities: ['rollout', 'undo'] });
  });

  it('refuses a second component with a taken name under another id', async () => {
    await service.register({ id: 'one', name: 'deployer', base_url: 'http://127.0.0.1:9000' });
    const error = await service.register({ id: 'two', name: 'deployer', base_url: 'http://127.0.0.1:9001' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'STORE_CONFLICT', details: { name: 'deployer' } });
  });

  it('records heartbeats', async () => {
    await service.register({ name: 'deployer', base_url: 'http://127.0.0.1:9000' });
    clock += 5_000;
    await service.heartbeat('deployer');
    expect((await service.get('deployer')).last_heartbeat_at).toBe('2026-01-01T00:00:05.000Z');
  });

  it('deletes a component by name', async () => {
    await service.register({ name: 'deployer', base_url: 'http://127.0.0.1:9000' });
    await service.delete('deployer');
    expect(await service.list()).toEqual([]);
  });

  it('throws COMPONENT_NOT_FOUND naming an unknown component', async () => {
    await expect(service.get('ghost')).rejects.toThrowError(
      expect.objectContaining({ code: 'COMPONENT_NOT_FOUND', message: "component 'ghost' is not registered" }),
    );
  });

  it('refuses a base_url that is not http(s)', async () => {
    const error = await service.register({ name: 'x', base_url: 'ftp://host/' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HarmoniaError);
    expect(error).toMatchObject({ code: 'REQUEST_INVALID', details: { field: 'base_url' } });
  });

  it('reports a healthy component as reachable with its latency', async () => {
    const server = await startServer((req, res) => sendJson(res, req.url === '/health' ? 200 : 404, { ok: true }));
    try {
      await service.register({ name: 'deployer', base_url: server.url });
      const report = await service.test('deployer');
      expect(report).toMatchObject({ name: 'deployer', url: `${server.url}/health`, reachable: true, healthy: true, status: 200, error: null });
      expect(report.latency_ms).toBeGreaterThanOrEqual(0);
    } finally {
      await server.close();
    }
  });

  it('reports a component nobody listens for as unreachable', async () => {
    const port = await closedPort();
    await service.register({ name: 'deployer', base_url: `http://127.0.0.1:${port}` });
    expect(await service.test('deployer')).toMatchObject({ reachable: false, healthy: false, status: null, error: expect.stringContaining('ECONNREFUSED') });
  });
});
