import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../../../src/cli/start-cli.js';
import { assertBuilt, CYCLIC_WORKFLOW, makeTree, PACK_YAML, removeTree, ROOT, runCli, VALID_WORKFLOW } from './cli-harness.js';

let tree: string;

beforeAll(() => {
  assertBuilt();
  tree = makeTree({
    'packs/demo/pack.yaml': PACK_YAML,
    'packs/demo/workflows/hello.yaml': VALID_WORKFLOW,
    'packs/demo/workflows/loop.yaml': CYCLIC_WORKFLOW,
  });
});

afterAll(() => {
  if (tree) removeTree(tree);
});

async function runModules(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await startCli(args, {
    env: { NO_COLOR: '1' },
    cwd: tree,
    stdout: { write: (chunk: string) => ((stdout += chunk), true) },
    stderr: { write: (chunk: string) => ((stderr += chunk), true) },
  });
  return { code, stdout, stderr };
}

describe('the validate bundle (dist/bundle/validate.cjs)', () => {
  it('is run by a fresh node process with the code cache the build wrote', () => {
    const probe = `import(${JSON.stringify(join(ROOT, 'dist/cli/validate-bundle.js'))}).then((m) => process.stdout.write(String(m.loadValidateBundle().cacheUsed)))`;
    expect(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })).toBe('true');
  });

  it('holds no module outside the validate path', () => {
    const modules = JSON.parse(readFileSync(join(ROOT, 'dist/bundle/validate.modules.json'), 'utf8')) as string[];
    expect(modules).toContain('dist/cli/commands/validate.js');
    expect(modules.filter((id) => /^dist\/(server|store|engine|cluster|client|app)\//.test(id))).toEqual([]);
  });

  // Paths absolute: in this process relative ones would resolve against the test's cwd.
  it.each([
    ['validate', '{packs}'],
    ['validate', '{packs}', '--format', 'json'],
    ['validate', '{packs}/demo/workflows/loop.yaml', '--format', 'sarif'],
    ['validate', '{packs}/demo/workflows/hello.yaml'],
    ['validate', '--help'],
    ['validate', '--bogus'],
  ])('answers `%s %s` as the modules do', async (...template: string[]) => {
    const args = template.map((arg) => arg.replace('{packs}', join(tree, 'packs')));
    const bundled = await runCli(args, { cwd: tree });
    expect(bundled).toEqual(await runModules(args));
  });
});
