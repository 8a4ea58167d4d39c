import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it, expect } from 'vitest';
import { createCliContext } from '../../../src/cli/cli-context.js';
import { runWorkflow } from '../../../src/cli/commands/run.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { register, workflow } from './helpers.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function buffer() {
  let text = '';
  return { write: (chunk: string) => (text += chunk), get text() { return text; } };
}

async function setup(): Promise<{ env: Record<string, string>; cwd: string }> {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-run-'));
  const store = createSqliteStore({ file: join(dir, 'data', 'harmonia.db') });
  await register(store, 'demo.hello', workflow([
    { id: 'greet', action: 'core.echo', input: { text: 'hello ${input.name}' } },
    { id: 'skip_me', depends_on: ['greet'], condition: '${false}' },
  ], { input: { name: { type: 'string', required: true } }, output: { greeting: '${tasks.greet.output.text}' } }));
  await register(store, 'demo.broken', workflow([{ id: 'boom', action: 'core.fail', input: { error_type: 'CONNECTION_ERROR', error_message: 'down', is_retriable: false } }]));
  await store.close();
  return { env: { HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_PACKS_DIR: join(dir, 'packs') }, cwd: dir };
}

describe('runWorkflow()', () => {
  it('prints progress lines and the output, and exits 0 on success', async () => {
    const { env, cwd } = await setup();
    const stdout = buffer();
    const stderr = buffer();
    const code = await runWorkflow('demo.hello', { input: '{"name": "ada"}' }, createCliContext({ env, cwd, stdout, stderr }));
    expect(code).toBe(0);
    expect(JSON.parse(stdout.text)).toEqual({ greeting: 'hello ada' });
    expect(stderr.text).toContain('▸ greet started (attempt 1)');
    expect(stderr.text).toContain('✓ greet completed');
    expect(stderr.text).toContain('– skip_me skipped (condition)');
  });

  it('exits 1 when the execution fails', async () => {
    const { env, cwd } = await setup();
    const stderr = buffer();
    const code = await runWorkflow('demo.broken', {}, createCliContext({ env, cwd, stdout: buffer(), stderr }));
    expect(code).toBe(1);
    expect(stderr.text).toContain('CONNECTION_ERROR down');
  });

  it('refuses input that is not a JSON object', async () => {
    const { env, cwd } = await setup();
    await expect(runWorkflow('demo.hello', { input: '[1]' }, createCliContext({ env, cwd, stdout: buffer(), stderr: buffer() }))).rejects.toMatchObject({ code: 'USAGE_INVALID' });
  });
});
