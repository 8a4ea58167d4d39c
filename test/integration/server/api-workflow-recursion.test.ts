/**
 * WORKFLOW_RECURSION at the API's workflow gate: a workflow sent to POST or PUT
 * /api/v1/workflows joins the pack `api`, whose other workflows are registered, not sent
 * along. A ring through them is the ring `harmonia validate` warns of on the same files,
 * and the gate warns of it too. A real server over a real SQLite store.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostic.js';
import { runHarmonia } from '../llm/cli-output.js';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer({ files: {} });
});
afterAll(async () => {
  await h.close();
});

type Written = { diagnostics: Diagnostic[] };
const calling = (name: string, target: string | null) =>
  `version: 1.0.0\nname: ${name}\ntasks:\n  call: ${target === null ? '{ action: core.noop }' : `{ action: core.workflow, input: { workflow: ${target} } }`}\n`;
const codes = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.code} ${d.severity} ${d.line}`);

/** What `harmonia validate` says of the same workflows as files of a pack `api`. */
async function validateAsFiles(files: Record<string, string>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-recursion-'));
  try {
    mkdirSync(join(dir, 'packs', 'api', 'workflows'), { recursive: true });
    writeFileSync(join(dir, 'packs', 'api', 'pack.yaml'), 'ref: api\nversion: 1.0.0\n');
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'packs', 'api', 'workflows', `${name}.yaml`), text);
    const run = await runHarmonia(['validate', join(dir, 'packs'), '--format', 'json'], dir, {});
    const report = JSON.parse(run.stdout) as { diagnostics: Diagnostic[] };
    return report.diagnostics.filter((d) => d.file.endsWith('/a.yaml') || d.file.endsWith('/self.yaml')).map((d) => `${d.code} ${d.severity} ${d.line}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('POST and PUT /api/v1/workflows', () => {
  it('warn of a ring that closes through workflows only registered, as harmonia validate does on the files', async () => {
    expect((await h.call('POST', '/api/v1/workflows', { text: calling('a', null), contentType: 'application/yaml' })).status).toBe(201);
    const b = await h.call<Written>('POST', '/api/v1/workflows', { text: calling('b', 'api.a'), contentType: 'application/yaml' });
    expect(b.status).toBe(201);
    expect(b.body.diagnostics).toEqual([]);
    // a now calls b, which is registered and calls a: a → b → a.
    const updated = await h.call<Written>('PUT', '/api/v1/workflows/api.a', { text: calling('a', 'api.b'), contentType: 'application/yaml' });
    expect(updated.status).toBe(200);
    expect(updated.body.diagnostics).toMatchObject([
      { code: 'WORKFLOW_RECURSION', severity: 'warning', line: 4, message: expect.stringContaining('(api.a → api.b → api.a)') },
    ]);
    expect(codes(updated.body.diagnostics)).toEqual(await validateAsFiles({ a: calling('a', 'api.b'), b: calling('b', 'api.a') }));
  });

  it('warn of a workflow that calls itself by the name its body gives, and register it, as the CLI does', async () => {
    const created = await h.call<Written>('POST', '/api/v1/workflows', { text: calling('self', 'api.self'), contentType: 'application/yaml' });
    expect(created.status).toBe(201);
    expect(codes(created.body.diagnostics)).toEqual(['WORKFLOW_RECURSION warning 4']);
    expect(codes(created.body.diagnostics)).toEqual(await validateAsFiles({ self: calling('self', 'api.self') }));
  });
});
