import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import type { ActionDef } from '../../../src/core/model.js';
import { makeContext } from '../../unit/actions/make-context.js';

const SHOW_ENV = `#!/bin/sh
stdin=$(cat)
printf 'log line\\n'
printf '{"attempt":"%s","key":"%s","execution":"%s","task":"%s","cwd":"%s","env_input":%s,"stdin":%s}\\n' \\
  "$HARMONIA_ATTEMPT" "$HARMONIA_IDEMPOTENCY_KEY" "$HARMONIA_EXECUTION_ID" "$HARMONIA_TASK_ID" "$(pwd)" "$HARMONIA_INPUT" "$stdin"
`;
const NODE_DOUBLE = `let text = '';
process.stdin.on('data', (chunk) => (text += chunk));
process.stdin.on('end', () => {
  const input = JSON.parse(text);
  console.log('working');
  console.log(JSON.stringify({ doubled: input.n * 2 }));
});
`;
const FAIL = `#!/bin/sh
echo '{"error_type":"DEPLOY_REJECTED","error_message":"gate closed","is_retriable":false}'
exit 3
`;
const HANG = `#!/bin/sh
sleep 30 & wait
`;

describe('pack script actions', () => {
  let root: string;
  let packDir: string;
  let registry: ReturnType<typeof createActionRegistry>;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'harmonia-pack-script-'));
    packDir = join(root, 'ops');
    mkdirSync(join(packDir, 'actions'), { recursive: true });
    writeFileSync(join(packDir, 'actions', 'show_env.sh'), SHOW_ENV);
    writeFileSync(join(packDir, 'actions', 'double.mjs'), NODE_DOUBLE);
    writeFileSync(join(packDir, 'actions', 'fail.sh'), FAIL);
    writeFileSync(join(packDir, 'actions', 'hang.sh'), HANG);
    writeFileSync(join(root, 'outside.sh'), 'echo outside\n');
    const actions = new Map<string, ActionDef>([
      ['show_env', { runner: 'shell', entry_point: 'show_env.sh', parameters: { region: { type: 'string', default: 'eu' } } }],
      ['double', { runner: 'node', entry_point: 'double.mjs', parameters: { n: { type: 'integer', required: true } } }],
      ['fail', { runner: 'shell', entry_point: 'fail.sh', parameters: {} }],
      ['hang', { runner: 'shell', entry_point: 'hang.sh', timeout_ms: 5000, parameters: {} }],
      ['escape', { runner: 'shell', entry_point: '../../outside.sh', parameters: {} }],
    ]);
    registry = createActionRegistry({
      packs: (ref) => (ref === 'ops' ? { dir: packDir, actions } : null),
      kill_grace_ms: 500,
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('passes the input on stdin and in HARMONIA_INPUT, with defaults applied', async () => {
    const result = await registry.resolve({ action: 'ops.show_env' }).run({ service: 'api' }, makeContext({ attempt: 3 }));
    expect(result).toEqual({
      status: 'success',
      data: {
        attempt: '3',
        key: 'exec-1:task_a',
        execution: 'exec-1',
        task: 'task_a',
        cwd: packDir,
        env_input: { service: 'api', region: 'eu' },
        stdin: { service: 'api', region: 'eu' },
      },
    });
  });

  it('runs node scripts with the last JSON line as output', async () => {
    const result = await registry.resolve({ action: 'ops.double' }).run({ n: 21 }, makeContext());
    expect(result).toEqual({ status: 'success', data: { doubled: 42 } });
  });

  it('refuses input of the wrong type before starting the script', async () => {
    const result = await registry.resolve({ action: 'ops.double' }).run({ n: 'many' }, makeContext());
    expect(result).toEqual({
      status: 'error',
      error_type: 'ACTION_INPUT_INVALID',
      error_message: "action 'ops.double': parameter 'n' must be of type integer; got string 'many'",
      is_retriable: false,
    });
  });

  it('reports the error type a failing script prints', async () => {
    const result = await registry.resolve({ action: 'ops.fail' }).run({}, makeContext());
    expect(result).toEqual({ status: 'error', error_type: 'DEPLOY_REJECTED', error_message: 'gate closed', is_retriable: false });
  });

  it('refuses an entry point outside the pack', async () => {
    const result = await registry.resolve({ action: 'ops.escape' }).run({}, makeContext());
    expect(result).toMatchObject({ status: 'error', error_type: 'ACTION_FORBIDDEN', is_retriable: false });
  });

  it('exposes the action timeout to the engine', () => {
    expect(registry.resolve({ action: 'ops.hang' }).timeout_ms).toBe(5000);
  });

  it('stops a hanging script with TIMEOUT when the deadline passes', async () => {
    const result = await registry
      .resolve({ action: 'ops.hang' })
      .run({}, makeContext({ signal: AbortSignal.timeout(200) }));
    expect(result).toMatchObject({ status: 'error', error_type: 'TIMEOUT', is_retriable: true });
  });
});
