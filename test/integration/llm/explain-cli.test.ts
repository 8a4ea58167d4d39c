import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import { createEngine } from '../../../src/engine/index.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { register, workflow } from '../engine/helpers.js';
import { startChatServer, type ChatServer } from './chat-server.js';
import { runHarmonia } from './cli-output.js';

let chat: ChatServer;
let dir: string;
let failedId: string;

beforeAll(async () => {
  chat = await startChatServer();
  dir = mkdtempSync(join(tmpdir(), 'harmonia-explain-'));
  // An execution that failed, in the store the CLI will open (HARMONIA_DATA_DIR).
  const store = createSqliteStore({ file: join(dir, 'data', 'harmonia.db') });
  const engine = createEngine({ store, actions: createActionRegistry({ packs: () => null }) });
  await engine.start();
  const id = await register(
    store,
    'ops.migrate',
    workflow([
      { id: 'backup', action: 'core.echo', input: { db_password: 'hunter2' } },
      { id: 'migrate', action: 'core.fail', depends_on: ['backup'], input: { error_type: 'MIGRATION_LOCKED', error_message: 'table orders is locked', is_retriable: false } },
    ]),
  );
  const started = await engine.startExecution({ workflow_id: id, input: {} });
  await engine.waitForCompletion(started.id);
  failedId = started.id;
  await engine.stop();
  await store.close();
});
afterAll(async () => {
  await chat.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ HARMONIA_DATA_DIR: join(dir, 'data'), HARMONIA_LLM_BASE_URL: chat.base_url, HARMONIA_LLM_MODEL: 'explainer' });

describe('harmonia explain', () => {
  it("prints the model's explanation of a failed execution read from the local store", async () => {
    chat.script({ content: 'migrate failed: MIGRATION_LOCKED (table orders is locked). Release the lock and retry.' });
    const run = await runHarmonia(['explain', failedId], dir, env());
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`execution ${failedId} (failed)\n\nmigrate failed: MIGRATION_LOCKED (table orders is locked). Release the lock and retry.\n`);
    expect(run.stderr).toBe('model explainer, 15 tokens\n');
    const sent = JSON.stringify(chat.requests.at(-1)?.body.messages);
    expect(sent).toContain('MIGRATION_LOCKED: table orders is locked');
    expect(sent).not.toContain('hunter2');
  });

  it('prints JSON with --json, and exits 1 for an unknown execution', async () => {
    chat.script({ content: 'locked' });
    const json = await runHarmonia(['explain', failedId, '--json'], dir, env());
    expect(JSON.parse(json.stdout)).toMatchObject({ execution_id: failedId, status: 'failed', explanation: 'locked', model: 'explainer' });
    const missing = await runHarmonia(['explain', 'no-such-execution'], dir, env());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no-such-execution');
  });
});
