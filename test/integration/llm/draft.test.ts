import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeTree } from '../cli/cli-harness.js';
import { startChatServer, type ChatServer } from './chat-server.js';
import { runHarmonia } from './cli-output.js';

let chat: ChatServer;
let dir: string;

const PACK = {
  'packs/shop/pack.yaml': 'ref: shop\nversion: 1.0.0\n',
  'packs/shop/actions/export.yaml': [
    'description: Export the orders of a day',
    'runner: shell',
    'entry_point: export.sh',
    'parameters:',
    '  day: { type: string, required: true, description: ISO date }',
    '  format: { type: string, enum: [csv, json], default: csv }',
    '',
  ].join('\n'),
  'packs/shop/actions/export.sh': '#!/bin/sh\necho "{}"\n',
  'packs/shop/templates/notify.yaml': 'version: 1.0.0\nparameters:\n  channel: { type: string, required: true }\nworkflow:\n  tasks:\n    say: { action: core.echo, input: { message: "to ${param.channel}" } }\n',
};

const fence = (yaml: string) => `Here you go:\n\`\`\`yaml\n${yaml}\`\`\`\n`;
const unknownAction = 'version: 1.0.0\nname: Nightly export\ntasks:\n  export:\n    action: shop.exprt\n    input: { day: "${input.day}" }\n';
const cycle = 'version: 1.0.0\nname: Nightly export\ninput:\n  day: { type: string, required: true }\ntasks:\n  export:\n    action: shop.export\n    depends_on: [report]\n    input: { day: "${input.day}" }\n  report:\n    action: core.echo\n    depends_on: [export]\n';
const valid = 'version: 1.0.0\nname: Nightly export\ninput:\n  day: { type: string, required: true }\ntasks:\n  export:\n    action: shop.export\n    input: { day: "${input.day}", format: json }\n  report:\n    action: core.echo\n    depends_on: [export]\n    input: { message: "exported ${input.day}" }\n';

beforeEach(async () => {
  chat = await startChatServer();
  dir = mkdtempSync(join(tmpdir(), 'harmonia-draft-'));
  writeTree(dir, PACK);
});
afterEach(async () => {
  await chat.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ HARMONIA_LLM_BASE_URL: chat.base_url, HARMONIA_LLM_MODEL: 'drafter', HARMONIA_LLM_API_KEY: 'sk-draft-key' });

describe('harmonia draft', () => {
  it('feeds the diagnostics of two invalid drafts back and writes the third, valid one', async () => {
    chat.script({ content: fence(unknownAction) }, { content: fence(cycle) }, { content: fence(valid) });
    const run = await runHarmonia(['draft', 'export the orders every night and report', '--pack', 'shop'], dir, env());
    expect(run.code).toBe(0);
    const file = join(dir, 'packs/shop/workflows/nightly_export.yaml');
    expect(readFileSync(file, 'utf8')).toBe(valid);
    expect(run.stdout).toContain('wrote packs/shop/workflows/nightly_export.yaml: workflow shop.nightly_export, valid after 3 drafts (model drafter, 45 tokens)');
    expect(run.stderr).toBe('draft 1: 2 error(s) (ACTION_UNKNOWN, EXPR_UNKNOWN_INPUT)\ndraft 2: 1 error(s) (DAG_CYCLE)\ndraft 3: valid\n');

    expect(chat.requests).toHaveLength(3);
    const second = chat.requests[1]?.body.messages ?? [];
    const feedback = second.at(-1)?.content ?? '';
    expect(feedback).toContain("ACTION_UNKNOWN: unknown action 'shop.exprt' in task 'export'");
    expect(feedback).toContain("did you mean 'shop.export'?");
    expect(second.at(-2)).toEqual({ role: 'assistant', content: fence(unknownAction) });
    expect(chat.requests[2]?.body.messages.at(-1)?.content).toContain('DAG_CYCLE');
  });

  it("tells the model the pack's actions, templates and their parameters", async () => {
    chat.script({ content: fence(valid) });
    await runHarmonia(['draft', 'export orders', '--pack', 'shop', '--dry-run'], dir, env());
    const system = chat.requests[0]?.body.messages[0]?.content ?? '';
    expect(system).toContain('- shop.export — Export the orders of a day\n    parameters: day (string, required): ISO date; format (string, default "csv", one of "csv"|"json")');
    expect(system).toContain('- shop.notify\n    parameters: channel (string, required)');
    expect(system).toContain('core.llm: input: prompt or messages (required)');
    expect(chat.requests[0]?.body.messages[1]?.content).toBe("Write a workflow for pack 'shop' that does this:\nexport orders");
  });

  it('writes nothing and exits 1 when no draft validates within --attempts', async () => {
    chat.script({ content: fence(unknownAction) }, { content: fence(cycle) });
    const run = await runHarmonia(['draft', 'export', '--pack', 'shop', '--attempts', '2', '--name', 'export_job'], dir, env());
    expect(run.code).toBe(1);
    expect(existsSync(join(dir, 'packs/shop/workflows/export_job.yaml'))).toBe(false);
    expect(run.stderr).toContain('no valid workflow after 2 drafts');
    expect(run.stderr).toContain('DAG_CYCLE');
    expect(run.stdout).toBe(cycle);
  });

  it('prints a valid draft without writing it under --dry-run, and refuses to replace a file without --force', async () => {
    chat.script({ content: fence(valid) });
    const dry = await runHarmonia(['draft', 'export', '--pack', 'shop', '--name', 'nightly', '--dry-run'], dir, env());
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe(valid);
    expect(existsSync(join(dir, 'packs/shop/workflows/nightly.yaml'))).toBe(false);
    writeTree(dir, { 'packs/shop/workflows/nightly.yaml': valid });
    const refused = await runHarmonia(['draft', 'export', '--pack', 'shop', '--name', 'nightly'], dir, env());
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("workflow 'shop.nightly' exists; pass --force");
    expect(chat.requests).toHaveLength(1);
  });

  it('picks a new name rather than overwrite an existing workflow file, even a broken one', async () => {
    writeTree(dir, { 'packs/shop/workflows/nightly_export.yaml': 'tasks: [unclosed\n' });
    chat.script({ content: fence(valid) });
    const run = await runHarmonia(['draft', 'export', '--pack', 'shop'], dir, env());
    expect(run.code).toBe(0);
    expect(readFileSync(join(dir, 'packs/shop/workflows/nightly_export.yaml'), 'utf8')).toBe('tasks: [unclosed\n');
    expect(readFileSync(join(dir, 'packs/shop/workflows/nightly_export_2.yaml'), 'utf8')).toBe(valid);
  });

  it('says how to configure a model when none is', async () => {
    const run = await runHarmonia(['draft', 'export', '--pack', 'shop'], dir, {});
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('harmonia: no model server is configured: set HARMONIA_LLM_BASE_URL and HARMONIA_LLM_MODEL (see docs/llm.md)\n');
  });
});
