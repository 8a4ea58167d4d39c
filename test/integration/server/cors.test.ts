import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from './server-harness.js';

let h: ServerHarness;
beforeAll(async () => {
  h = await openServer({ server: { allowed_origins: ['https://app.example'] } });
});
afterAll(async () => {
  await h.close();
});

describe('CORS for allowed origins', () => {
  it('answers a preflight from an allowed origin with the methods and headers a browser app needs', async () => {
    const res = await fetch(`${h.url}/api/v1/executions`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type, idempotency-key' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets an allowed origin read answers, and gives another origin no CORS headers', async () => {
    const allowed = await fetch(`${h.url}/api/v1/workflows`, { headers: { Origin: 'https://app.example' } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('vary')).toContain('Origin');
    const other = await fetch(`${h.url}/api/v1/workflows`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
