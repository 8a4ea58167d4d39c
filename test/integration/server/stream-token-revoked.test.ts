/**
 * A stream is authorized when it opens; a token revoked (or expired) afterwards must not
 * keep receiving an execution's events and task logs. Each open SSE stream asks again at
 * its keep-alive and ends with `event: close` naming why, each WebSocket is closed with
 * 1008; the reconnect is answered 401.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createToken, revokeToken } from '../../../src/server/tokens.js';
import { TOKEN_GONE } from '../../../src/server/sse.js';
import { openServer, type ServerHarness } from './server-harness.js';
import { readSse } from './sse-client.js';

let h: ServerHarness;
let tokenDir: string;
let tokenFile: string;
let executionId = '';

beforeAll(async () => {
  tokenDir = mkdtempSync(join(tmpdir(), 'harmonia-tokens-'));
  tokenFile = join(tokenDir, 'tokens.json');
  h = await openServer({ server: { tokens: 'admin-tok', token_file: tokenFile, sse_keepalive_seconds: 0.05 } });
  // runs for ten minutes: its streams stay open until something ends them
  const started = await h.call<{ execution_id: string }>('POST', '/api/v1/executions', { json: { workflow_ref: 'demo.slow' }, token: 'admin-tok' });
  executionId = started.body.execution_id;
});

afterAll(async () => {
  await h?.call('POST', `/api/v1/executions/${executionId}/terminate`, { token: 'admin-tok' });
  await h?.close();
  rmSync(tokenDir, { recursive: true, force: true });
});

describe('an open stream whose token is revoked', () => {
  const paths: Array<[string, () => string]> = [
    ['/events/executions/:id', () => `/events/executions/${executionId}`],
    ['/events/executions/:id/logs', () => `/events/executions/${executionId}/logs`],
    ['/events', () => '/events'],
  ];
  for (const [name, path] of paths) {
    it(`ends with event: close saying why, and its reconnect is 401: SSE ${name}`, async () => {
      const { token, record } = createToken(tokenFile, { scopes: ['read'] });
      const url = `${h.url}${path()}`;
      let revoked = false;
      const read = await readSse(url, {
        headers: { authorization: `Bearer ${token}` },
        // revoked once the stream is open; it is still open when the close arrives
        onOpen: () => {
          revokeToken(tokenFile, record.id);
          revoked = true;
        },
        until: (message) => message.event === 'close',
      });
      expect(read.status).toBe(200);
      expect(revoked).toBe(true);
      expect(JSON.parse(read.messages.at(-1)?.data ?? '{}')).toMatchObject({ reason: TOKEN_GONE });
      expect((await readSse(url, { headers: { authorization: `Bearer ${token}` }, until: () => true })).status).toBe(401);
    });
  }

  it('is closed with 1008: WebSocket', async () => {
    const { token, record } = createToken(tokenFile, { scopes: ['read'] });
    const socket = new WebSocket(`${h.url.replace('http', 'ws')}/ws/executions/${executionId}`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    revokeToken(tokenFile, record.id);
    expect(await closed).toEqual({ code: 1008, reason: 'AUTH_REQUIRED: the token is no longer accepted' });
  });
});
