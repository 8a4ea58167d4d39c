import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../../../src/packs/run-pipeline.js';
import { PACK_YAML, removeTree, validateTree, validateWorkflow, writeTree } from './pack-tree.js';

function chain(n: number): string {
  let text = 'version: 1.0.0\ntasks:\n';
  for (let i = 0; i < n; i += 1) {
    text += `  t${i}:\n    action: core.noop\n`;
    if (i > 0) text += `    depends_on: [t${i - 1}]\n    input: { v: "\${tasks.t0.output}" }\n`;
  }
  return text;
}

describe('published limits in pack files', () => {
  it('refuses a workflow with more tasks than max_task_count, as the API does', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/flow.yaml': chain(6) }, { max_task_count: 5 });
    expect(diags).toMatchObject([
      {
        code: 'WORKFLOW_TOO_MANY_TASKS',
        severity: 'error',
        line: 2,
        pointer: '/tasks',
        message: 'the workflow has 6 tasks; at most 5 are allowed (HARMONIA_MAX_TASK_COUNT)',
      },
    ]);
  });

  it('applies the default task limit (1000) when none is given', async () => {
    const diags = await validateWorkflow(chain(1001));
    expect(diags.map((d) => d.code)).toEqual(['WORKFLOW_TOO_MANY_TASKS']);
  });

  it('counts the tasks of a template too', async () => {
    const template = `version: 1.0.0\nworkflow:\n  ${chain(3).replace('version: 1.0.0\n', '').replace(/\n/g, '\n  ')}`;
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/templates/tpl.yaml': template }, { max_task_count: 2 });
    expect(diags.map((d) => `${d.code} ${d.pointer}`)).toEqual(['WORKFLOW_TOO_MANY_TASKS /workflow/tasks']);
  });

  it('counts the tasks a template inherits: the workflow instantiated from it would have them all', async () => {
    const tasks = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `    ${prefix}${i}: { action: core.noop }\n`).join('');
    const diags = await validateTree(
      {
        'demo/pack.yaml': PACK_YAML,
        'demo/templates/base.yaml': `version: 1.0.0\nworkflow:\n  tasks:\n${tasks('a', 3)}`,
        'demo/templates/child.yaml': `version: 1.0.0\nextends: demo.base\nworkflow:\n  tasks:\n${tasks('b', 2)}    a0: { action: core.echo }\n`,
      },
      { max_task_count: 4 },
    );
    expect(diags).toMatchObject([
      {
        code: 'WORKFLOW_TOO_MANY_TASKS',
        file: 'demo/templates/child.yaml',
        line: 2,
        pointer: '/extends',
        message: 'the template has 5 tasks with those it inherits from demo.base; at most 4 are allowed (HARMONIA_MAX_TASK_COUNT)',
      },
    ]);
  });

  it('validates a chain of 15,000 tasks each reading the first without a stack overflow or a false error', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/flow.yaml': chain(15_000) }, { max_task_count: 20_000, max_file_size: 8 * 1024 * 1024, max_workflow_size: 8 * 1024 * 1024 });
    expect(diags).toEqual([]);
  });

  it('refuses a workflow file larger than max_workflow_size, as the API refuses such a body', async () => {
    const diags = await validateTree({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/flow.yaml': chain(40) }, { max_workflow_size: 1000 });
    expect(diags).toMatchObject([{ code: 'WORKFLOW_TOO_LARGE', severity: 'error', message: expect.stringMatching(/^the file is \d+ bytes; a workflow or template may have at most 1000 \(HARMONIA_MAX_WORKFLOW_SIZE\)$/) }]);
  });

  it('still reports a task that reads one it does not depend on in a long chain', async () => {
    const text = `${chain(300)}  side:\n    action: core.noop\n    input: { v: "\${tasks.t299.output}" }\n`;
    const diags = await validateWorkflow(text);
    expect(diags.map((d) => `${d.code} ${d.pointer}`)).toEqual(['EXPR_NOT_UPSTREAM /tasks/side/input/v']);
  });
});

describe('YAML aliases', () => {
  it('refuses a file whose aliases expand it by more than 1 MiB, though each anchor is used few times', async () => {
    const big = 'x'.repeat(200_000);
    const text = `version: 1.0.0\ncontext:\n  a: &big "${big}"\n  b: [*big, *big, *big, *big, *big, *big]\ntasks:\n  t: { action: core.noop }\n`;
    const diags = await validateWorkflow(text);
    expect(diags).toMatchObject([{ code: 'YAML_ALIAS_LIMIT', severity: 'error', message: expect.stringContaining('more than 1048576 bytes') }]);
  });

  it('counts aliases nested inside anchored values at their expanded size', async () => {
    const big = 'y'.repeat(60_000);
    const text = `version: 1.0.0\ncontext:\n  a: &a "${big}"\n  b: &b [*a, *a, *a, *a]\n  c: [*b, *b, *b, *b, *b]\ntasks:\n  t: { action: core.noop }\n`;
    expect((await validateWorkflow(text)).map((d) => d.code)).toEqual(['YAML_ALIAS_LIMIT']);
  });

  it('accepts small anchors reused across tasks', async () => {
    const text = 'version: 1.0.0\ntasks:\n  a: { action: core.noop, retry: &retry { max_attempts: 3 } }\n  b: { action: core.noop, retry: *retry, depends_on: [a] }\n';
    expect(await validateWorkflow(text)).toEqual([]);
  });

  it('merges a mapping with <<: *base instead of reading << as a key', async () => {
    const text =
      'version: 1.0.0\ntasks:\n  a: &base\n    action: core.echo\n    input: { message: hi }\n    timeout_ms: 5000\n  b:\n    <<: *base\n    depends_on: [a]\n';
    expect(await validateWorkflow(text)).toEqual([]);
  });

  it('still reports a duplicate key, at the repeated key', async () => {
    const diags = await validateWorkflow('version: 1.0.0\ntasks:\n  a: { action: core.noop }\n  a: { action: core.echo }\n');
    expect(diags).toMatchObject([{ code: 'YAML_DUPLICATE_KEY', line: 4, column: 3, message: "duplicate key 'a': map keys must be unique" }]);
  });
});

describe('core.shell command with shell: true', () => {
  it('warns when a ${...} value is spliced into the command, with the env and argv alternatives', async () => {
    const diags = await validateWorkflow(
      'version: 1.0.0\ninput:\n  branch: { type: string }\ntasks:\n  run:\n    action: core.shell\n    input:\n      command: "git checkout ${input.branch}"\n      shell: true\n',
    );
    expect(diags).toMatchObject([
      {
        code: 'SHELL_COMMAND_INTERPOLATION',
        severity: 'warning',
        line: 8,
        pointer: '/tasks/run/input/command',
        hint: expect.stringContaining('env'),
      },
    ]);
    expect(diags[0]?.hint).toContain('argv');
  });

  it('says nothing when the value goes through env', async () => {
    const diags = await validateWorkflow(
      'version: 1.0.0\ninput:\n  branch: { type: string }\ntasks:\n  run:\n    action: core.shell\n    input:\n      command: \'git checkout "$BRANCH"\'\n      shell: true\n      env: { BRANCH: "${input.branch}" }\n',
    );
    expect(diags).toEqual([]);
  });
});

describe('a pack folder that is a symlink', () => {
  it('is refused when it points outside the packs folder, like a symlinked file', async () => {
    const root = await writeTree({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/flow.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n' });
    try {
      const outside = path.join(root, 'elsewhere', 'stolen');
      await mkdir(path.join(outside, 'workflows'), { recursive: true });
      await writeFile(path.join(outside, 'pack.yaml'), 'ref: stolen\nversion: 1.0.0\n');
      await writeFile(path.join(outside, 'workflows', 'w.yaml'), 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n');
      await symlink(outside, path.join(root, 'packs', 'stolen'));
      const result = await runPipeline([path.join(root, 'packs')]);
      expect(result.packs.map((p) => p.ref)).toEqual(['demo']);
      expect(result.diagnostics).toMatchObject([{ code: 'PACK_SYMLINK_ESCAPE', file: path.join(root, 'packs', 'stolen') }]);
      expect(result.diagnostics[0]?.message).toContain("pack folder 'stolen' is a symlink that points outside the packs folder");
    } finally {
      await removeTree(root);
    }
  });

  it('is read when it points to another folder inside the packs folder', async () => {
    const root = await writeTree({ 'demo/pack.yaml': PACK_YAML, 'demo/workflows/flow.yaml': 'version: 1.0.0\ntasks:\n  a: { action: core.noop }\n' });
    try {
      await symlink(path.join(root, 'packs', 'demo'), path.join(root, 'packs', 'alias'));
      const result = await runPipeline([path.join(root, 'packs')]);
      expect(result.packs.map((p) => p.ref)).toEqual(['alias', 'demo']);
    } finally {
      await removeTree(root);
    }
  });
});

describe('with_items as a literal list', () => {
  it('accepts ${item} in the input of a task whose with_items is a list, as the docs allow', async () => {
    const text =
      'version: 1.0.0\ninput:\n  extra: { type: string, default: ap }\ntasks:\n  deploy:\n    action: core.echo\n    with_items: [eu, "us\'s", { region: "x}" }, "${input.extra}"]\n    input: { region: "${item}", n: "${item_index}" }\n';
    expect(await validateWorkflow(text)).toEqual([]);
  });
});
