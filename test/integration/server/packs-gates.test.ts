import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;

beforeAll(async () => {
  h = await openServer({
    files: {
      'lib/pack.yaml': 'ref: lib\nversion: 1.0.0\n',
      'lib/actions/build.yaml': 'runner: shell\nentry_point: build.sh\nparameters:\n  tag: { type: string }\n',
      'lib/actions/build.sh': '#!/bin/sh\n',
      'app/pack.yaml': 'ref: app\nversion: 1.0.0\ndependencies: [lib]\n',
      'app/workflows/deploy.yaml': 'version: 1.0.0\ntasks:\n  build: { action: lib.build, input: { tga: v1 } }\n',
      'extra/pack.yaml': 'ref: extra\nversion: 1.0.0\n',
      'extra/workflows/one.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n',
      'extra/workflows/two.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n',
      'loop/pack.yaml': 'ref: loop\nversion: 1.0.0\n',
      'loop/workflows/a.yaml': 'version: 1.0.0\ntasks:\n  call: { action: core.workflow, input: { workflow: loop.b } }\n',
      'loop/workflows/b.yaml': 'version: 1.0.0\ntasks:\n  call: { action: core.workflow, input: { workflow: loop.a } }\n',
      'half/pack.yaml': 'ref: half\nversion: 1.0.0\n',
      'half/workflows/good.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n',
      'half/workflows/bad.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.nope }\n',
    },
  });
});
afterAll(async () => {
  await h.close();
});

type Body = { ok: boolean; diagnostics: Diagnostic[]; registered_count?: number };
type Failure = { error: { code: string; details: { diagnostics: Diagnostic[]; result: { registered_count: number } } } };

describe('pack routes give the verdict the CLI gives', () => {
  it('validates a pack against its dependency in the packs folder, keeping warnings, with relative paths', async () => {
    const res = await h.call<Body>('POST', '/api/packs/app/workflows/validate');
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.diagnostics).toMatchObject([
      { code: 'TASK_INPUT_UNKNOWN_PARAMETER', severity: 'warning', file: 'packs/app/workflows/deploy.yaml', line: 3 },
    ]);
  });

  it('warns of workflows that start each other through core.workflow, as the CLI does, and still registers them', async () => {
    const res = await h.call<Body>('POST', '/api/packs/loop/workflows/validate');
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.diagnostics.map((d) => `${d.code} ${d.severity} ${d.file}:${d.line}`)).toEqual([
      'WORKFLOW_RECURSION warning packs/loop/workflows/a.yaml:3',
      'WORKFLOW_RECURSION warning packs/loop/workflows/b.yaml:3',
    ]);
    const synced = await h.call<Body>('POST', '/api/packs/loop/workflows/sync');
    expect(synced.status).toBe(200);
    expect(synced.body.diagnostics.map((d) => d.code)).toEqual(['WORKFLOW_RECURSION', 'WORKFLOW_RECURSION']);
  });

  it('prunes a workflow whose file left a pack synced over REST, as a CLI sync does', async () => {
    expect((await h.call<Body>('PUT', '/api/packs/extra')).status).toBe(200);
    rmSync(join(h.packsDir, 'extra/workflows/two.yaml'));
    const res = await h.call<Body & { pruned: string[] }>('POST', '/api/packs/extra/workflows/sync');
    expect(res.status).toBe(200);
    expect(res.body.pruned).toEqual(['extra.two']);
    expect(await h.store.registry.getActive('workflow', 'extra.two')).toBeNull();
    expect(await h.store.registry.getActive('workflow', 'extra.one')).not.toBeNull();
  });

  it('never registers part of a pack with errors, even with force, and answers 422', async () => {
    const res = await h.call<Failure>('POST', '/api/packs/half/workflows/sync', { json: { force: true } });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('PACK_INVALID');
    expect(res.body.error.details.result.registered_count).toBe(0);
    expect(res.body.error.details.diagnostics.map((d) => `${d.code} ${d.file}`)).toEqual(['ACTION_UNKNOWN packs/half/workflows/bad.yaml']);
    expect(await h.store.registry.getActive('workflow', 'half.good')).toBeNull();
  });

  it('refuses a sync whose pack uses one that is not registered, naming what is missing', async () => {
    const res = await h.call<{ error: { code: string; message: string } }>('POST', '/api/packs/app/workflows/sync');
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'PACK_SYNC_REFUSED', message: expect.stringContaining("'app.deploy' uses action 'lib.build'") });
    expect((await h.call('PUT', '/api/packs/lib')).status).toBe(200);
    expect((await h.call('POST', '/api/packs/app/workflows/sync')).status).toBe(200);
  });

  it('refuses to delete a pack another pack uses', async () => {
    const res = await h.call<{ error: { code: string; message: string } }>('DELETE', '/api/packs/lib');
    expect(res.status).toBe(409);
    expect(res.body.error.message).toContain("'app.deploy' (workflow) uses 'lib.build'");
  });
});

type Report = { ok: boolean; diagnostics: Diagnostic[]; packs?: Array<{ pack_ref: string; ok: boolean }> };
type Refusal = { error: { code: string; details: { fail_on?: string; diagnostics: Diagnostic[]; result: Report } } };

describe('pack routes as a CI gate: fail_on and strict', () => {
  it('answers a report by default, and 422 with the report under fail_on=error when a pack has errors', async () => {
    const report = await h.call<Report>('POST', '/api/v1/packs/half/workflows/validate');
    expect([report.status, report.body.ok]).toEqual([200, false]);
    const gated = await h.call<Refusal>('POST', '/api/v1/packs/half/workflows/validate?fail_on=error');
    expect([gated.status, gated.body.error.code, gated.body.error.details.fail_on]).toEqual([422, 'PACK_INVALID', 'error']);
    expect(gated.body.error.details.result.ok).toBe(false);
    expect(gated.body.error.details.diagnostics.map((d) => d.code)).toContain('ACTION_UNKNOWN');
  });

  it('fails on a warning only with strict=true (fail_on=warning)', async () => {
    expect((await h.call('POST', '/api/v1/packs/app/workflows/validate?fail_on=error')).status).toBe(200);
    const strict = await h.call<Refusal>('POST', '/api/v1/packs/app/workflows/validate?strict=true');
    expect([strict.status, strict.body.error.code, strict.body.error.details.fail_on]).toEqual([422, 'PACK_INVALID', 'warning']);
    expect(strict.body.error.details.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect((await h.call('POST', '/api/v1/packs/app/workflows/validate?fail_on=warning')).status).toBe(422);
  });

  it('validates every pack folder in one request, with one report per pack', async () => {
    const all = await h.call<Report>('POST', '/api/v1/packs/validate');
    expect(all.status).toBe(200);
    expect(all.body.ok).toBe(false);
    expect(all.body.packs?.map((p) => [p.pack_ref, p.ok])).toEqual([
      ['app', true],
      ['demo', true],
      ['extra', true],
      ['half', false],
      ['lib', true],
      ['loop', true],
    ]);
    expect((await h.call<Refusal>('POST', '/api/v1/packs/validate?strict=true')).status).toBe(422);
  });

  it('lets one pack sync answer its result with ok false under fail_on=none, registering nothing', async () => {
    const res = await h.call<Report & { registered_count: number }>('POST', '/api/v1/packs/half/workflows/sync?fail_on=none');
    expect([res.status, res.body.ok, res.body.registered_count]).toEqual([200, false, 0]);
  });

  it('refuses an unknown fail_on, a strict that is not a boolean, and strict with another fail_on', async () => {
    const bad = await h.call<Refusal>('POST', '/api/v1/packs/validate?fail_on=sometimes');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'REQUEST_INVALID']);
    expect((await h.call('POST', '/api/v1/packs/validate?strict=yes')).status).toBe(400);
    expect((await h.call('POST', '/api/v1/packs/validate?strict=true&fail_on=error')).status).toBe(400);
  });
});
