/**
 * A task that encodes a secret input before it shows it — base64 alone or inside a longer
 * text (an HTTP Basic header) at each byte alignment, base64url, percent-encoded, JSON- or
 * XML-escaped — in its log lines, its output or its error message: the engine stores and
 * publishes none of those forms. A secret too short to mask by value is shown in every form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import type { ExecutionEvent } from '../../../src/core/model.js';
import { MASK } from '../../../src/core/secret-text.js';
import type { StoredTaskLogLine } from '../../../src/store/store.js';
import { DERIVED_SECRET, LOG_PIECE_BYTES, carriers, derivedForms } from '../../fixtures/secret-forms.mjs';
import { openHarness, register, workflow, type Harness } from './helpers.js';

const SCRIPT = resolve(import.meta.dirname, '../../fixtures/secret-forms.mjs');
const MODES = ['log', 'output', 'error'] as const;

let h: Harness;
const published: ExecutionEvent[] = [];

async function run(pw: string, mode: string): Promise<string> {
  const started = await h.engine.startExecution({ workflow_ref: 'demo.leak', input: { pw, mode } });
  await h.engine.waitForCompletion(started.id);
  return started.id;
}

async function logsOf(id: string): Promise<StoredTaskLogLine[]> {
  return h.engine.readLogs(id, { limit: 10_000 });
}

/** Every string (key or value) a reader of `value` sees, decoded: a JSON-escaped form in a string is escaped again in JSON text. */
function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  return Object.entries(value)
    .map(([key, inner]) => `${key}\u0000${shown(inner)}`)
    .join('\u0000');
}

function expectNoForm(text: string, where: string): void {
  for (const [name, form] of Object.entries(derivedForms(DERIVED_SECRET))) expect(text, `${where} shows ${name}`).not.toContain(form);
  expect(text, `${where} shows the secret`).not.toContain(DERIVED_SECRET);
}

beforeAll(async () => {
  h = await openHarness();
  h.engine.bus.subscribe({}, (event) => published.push(structuredClone(event)));
  await register(
    h.store,
    'demo.leak',
    workflow(
      [{ id: 'leak', action: 'core.shell', input: { argv: ['node', SCRIPT, '${input.mode}'], env: { PW: '${input.pw}' } } }],
      { input: { pw: { type: 'string', secret: true }, mode: { type: 'string' } }, output: { leaked: '${tasks.leak.output}' } },
    ),
  );
});
afterAll(async () => {
  await h.close();
});

describe('a secret input a task shows in derived forms', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    for (const mode of MODES) ids[mode] = await run(DERIVED_SECRET, mode);
  });

  it('ran the task on the real value (its lines, output and error all came through)', async () => {
    const lines = await logsOf(ids.log as string);
    expect(lines.filter((line) => line.stream === 'stdout').length).toBeGreaterThan(carriers(DERIVED_SECRET).length);
    expect((await h.engine.getExecution(ids.output as string)).status).toBe('completed');
    const failed = await h.engine.getExecution(ids.error as string);
    expect(failed.status).toBe('failed');
    expect(shown(failed.error)).toContain('could not log in');
  });

  it('masks them in the task log, a long line cut into stored pieces included', async () => {
    for (const mode of MODES) {
      const lines = await logsOf(ids[mode] as string);
      expectNoForm(shown(lines.map((line) => line.line)), `the ${mode} task's log`);
      // The pieces of a cut line, joined: a form across the cut would show in halves.
      expectNoForm(lines.map((line) => line.line).join(''), `the ${mode} task's log, joined`);
    }
    const pieces = (await logsOf(ids.log as string)).filter((line) => line.line.startsWith('xxxx') || line.line.endsWith('yyyy'));
    expect(pieces[0]?.line.length).toBe(LOG_PIECE_BYTES);
    expect(pieces.map((piece) => piece.line).join('')).toContain(MASK);
  });

  it('masks them in the execution record: output and error', async () => {
    for (const mode of MODES) expectNoForm(shown(await h.engine.getExecution(ids[mode] as string)), `the ${mode} execution's record`);
    expect(shown((await h.engine.getExecution(ids.output as string)).output)).toContain(MASK);
    expect(shown((await h.engine.getExecution(ids.error as string)).error)).toContain(MASK);
  });

  // The engine's own status and summary come from its state in memory, which holds real values
  // (tasks need them); the server masks those on the way out (test/integration/review/secret-derived-forms.test.ts).
  it('masks them in stored and published events', async () => {
    for (const mode of MODES) {
      const id = ids[mode] as string;
      expectNoForm(shown(await h.store.executions.readEvents(id)), `the ${mode} execution's stored events`);
      expectNoForm(shown(published.filter((event) => event.execution_id === id)), `the ${mode} execution's published events`);
    }
  });
});

describe('the minimum length of a secret masked by value', () => {
  it('shows every form of a secret shorter than four characters, which would mask ordinary text', async () => {
    const id = await run('k9!', 'output');
    const output = shown((await h.engine.getExecution(id)).output);
    expect(output).not.toContain(MASK);
    expect(output).toContain(`token ${Buffer.from('k9!').toString('base64')}`);
  });

  it('hides the base64 of a four-character secret alone, but not four base64 characters inside other text', async () => {
    const id = await run('k9!z', 'output');
    const output = shown((await h.engine.getExecution(id)).output);
    expect(output).toContain(`token ${MASK}`);
    expect(output).toContain(`url-safe ${MASK}`);
    // 'ci:k9!z@x' encodes the secret's bytes alone in one group of four characters: too short to hide.
    expect(output).toContain(`Authorization: Basic ${Buffer.from('ci:k9!z@x').toString('base64')}`);
  });
});
