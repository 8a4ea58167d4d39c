import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;

beforeAll(async () => {
  h = await openServer({ files: { 'race/pack.yaml': 'ref: race\nversion: 1.0.0\n' } });
});
afterAll(async () => {
  await h.close();
});

describe('POST /api/v1/packs', () => {
  it('answers one of two concurrent creates of the same ref with 201 and the other with 409 PACK_EXISTS', async () => {
    // An open transaction parks both creates at their first store call, so both are
    // in flight at once when it ends: the window a check-then-insert create loses.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const transaction = h.store.transaction(async () => {
      entered();
      await held;
    });
    await inside;
    let seen = 0;
    let bothArrived!: () => void;
    const arrived = new Promise<void>((resolve) => (bothArrived = resolve));
    const count = () => {
      if (++seen === 2) bothArrived();
    };
    h.server.server.on('request', count);
    const create = () => h.call<{ error?: { code: string } }>('POST', '/api/v1/packs', { json: { ref: 'race', version: '1.0.0' } });
    const both = Promise.all([create(), create()]);
    await arrived;
    h.server.server.off('request', count);
    // a store-free round trip lets both requests get through their body parsing first
    expect((await h.call('GET', '/health')).status).toBe(200);
    release();
    await transaction;
    const results = await both;
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.status === 409)?.body.error?.code).toBe('PACK_EXISTS');
  });
});
