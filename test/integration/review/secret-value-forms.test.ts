/**
 * A secret that a task prints as it is, but that reaches the output in another form the
 * reader still reads as the secret: a value of several lines (a PEM key) is cut into one
 * task log line per line of it, a value inside JSON text is escaped, a value inside a URL
 * is percent-encoded. None of these may show the secret on any surface.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer, type ServerHarness } from '../server/server-harness.js';

const FIRST = 'first-line-s3cr3t "q" \\ /x';
const SECOND = 'second-line-s3cr3t&=?';
const SECRET = `${FIRST}\n${SECOND}`;
const FORMS = {
  'its first line': FIRST,
  'its second line': SECOND,
  'its JSON-escaped form': JSON.stringify(SECRET).slice(1, -1),
  'its percent-encoded form': encodeURIComponent(SECRET),
  'its form-encoded form': new URLSearchParams({ v: SECRET }).toString().slice(2),
};

// The task prints the value as it is, in a JSON document (on stderr, so that the output is the
// text printed rather than the document) and in a query string.
const WORKFLOW = [
  'version: 1.0.0',
  'name: forms',
  'input:',
  '  pw: { type: string, secret: true }',
  'tasks:',
  '  show:',
  '    action: core.shell',
  '    input:',
  '      shell: true',
  '      env: { PW: "${input.pw}" }',
  `      command: 'printf "%s\\n" "$PW"; printf "%s" "$PW" | wc -c; node -e "const v = process.env.PW; console.error(JSON.stringify({ v })); console.log(\\"https://example.test/?v=\\" + encodeURIComponent(v)); console.log(new URLSearchParams({ v }).toString())"'`,
  '',
].join('\n');

let h: ServerHarness;
let executionId = '';

// The strings a reader of the JSON sees, each decoded (the secret's JSON-escaped form in a
// string is escaped again in the response's own text).
function shownStrings(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return '';
  return Object.entries(value)
    .map(([key, inner]) => `${key}\u0000${shownStrings(inner)}`)
    .join('\u0000');
}

function expectClean(value: unknown, where: string): void {
  const shown = shownStrings(value);
  for (const [name, form] of Object.entries(FORMS)) expect(shown, `${where} shows ${name}`).not.toContain(form);
}

beforeAll(async () => {
  h = await openServer({
    files: { 'forms/pack.yaml': 'ref: forms\nversion: 1.0.0\n', 'forms/workflows/forms.yaml': WORKFLOW },
  });
  const synced = await h.call('POST', '/api/packs/forms/workflows/sync');
  expect(synced.status, synced.text).toBe(200);
  const started = await h.call<{ id: string }>('POST', '/api/executions', { json: { workflow_ref: 'forms.forms', input: { pw: SECRET } } });
  expect(started.status, started.text).toBe(201);
  executionId = started.body.id;
  expect((await h.engine.waitForCompletion(executionId)).status).toBe('completed');
});
afterAll(async () => {
  await h.close();
});

describe('a secret printed in forms other than its exact text', () => {
  it('reached the task whole', async () => {
    const logs = await h.call<{ items: { line: string }[] }>('GET', `/api/executions/${executionId}/logs`);
    // wc -c counts the bytes the task received: the value, its newline included.
    expect(logs.body.items.map((item) => item.line.trim())).toContain(String(Buffer.byteLength(SECRET)));
  });

  it('shows no line of a secret of several lines in the task log', async () => {
    const logs = await h.call('GET', `/api/executions/${executionId}/logs`);
    expect(logs.status).toBe(200);
    expectClean(logs.body, 'the task log');
    expectClean(await h.store.executions.readEvents(executionId), 'stored events');
  });

  it('shows none of its forms in any REST view', async () => {
    for (const path of ['', '/summary', '/metrics', '/events']) {
      const response = await h.call('GET', `/api/executions/${executionId}${path}`);
      expect(response.status, path).toBe(200);
      expectClean(response.body, path || 'the execution');
    }
  });
});
