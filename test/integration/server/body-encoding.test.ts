import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer();
});
afterAll(async () => {
  await h.close();
});

describe('a JSON body that is not UTF-8', () => {
  it('is refused with 400 REQUEST_INVALID naming the byte, and nothing is created', async () => {
    const before = (await h.call<{ total: number }>('GET', '/api/executions')).body.total;
    // {"workflow_ref":"demo.hello","input":{"name":"<0xff>"}}
    const body = Buffer.concat([Buffer.from('{"workflow_ref":"demo.hello","input":{"name":"'), Buffer.from([0xff]), Buffer.from('"}}')]);
    const response = await fetch(`${h.url}/api/v1/executions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    const payload = (await response.json()) as { error: { code: string; message: string; details: { byte_offset: number } } };
    expect(payload.error.code).toBe('REQUEST_INVALID');
    expect(payload.error.message).toBe('request body is not valid UTF-8 at byte 46; send UTF-8 text');
    expect(payload.error.details.byte_offset).toBe(46);
    expect((await h.call<{ total: number }>('GET', '/api/executions')).body.total).toBe(before);
  });

  it('refuses a YAML workflow body that is not UTF-8 the same way', async () => {
    const body = Buffer.concat([Buffer.from('name: bad\nversion: 1.0.0\ndescription: "'), Buffer.from([0xc3, 0x28]), Buffer.from('"\ntasks:\n  t: { action: core.noop }\n')]);
    const response = await fetch(`${h.url}/api/v1/workflows`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('REQUEST_INVALID');
  });
});
