import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCliContext, type CliContext } from '../../../src/cli/cli-context.js';
import { runDev, registerDevCommand } from '../../../src/cli/commands/gitops-dev.js';
import { registerWorkflowDiffCommand } from '../../../src/cli/commands/gitops-diff.js';
import { registerWorkflowHistoryCommand } from '../../../src/cli/commands/gitops-history.js';
import { registerRevisionCommands } from '../../../src/cli/commands/gitops-revisions.js';
import { registerRollbackCommand } from '../../../src/cli/commands/gitops-rollback.js';
import { registerUnpinCommand } from '../../../src/cli/commands/gitops-unpin.js';
import { registerWorkflowCommand } from '../../../src/cli/commands/workflow.js';
import { createPackSyncService } from '../../../src/packs/sync-packs.js';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import { packYaml, workflowYaml } from './git-fixture.js';

const SHA = ['1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2222222bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '3333333ccccccccccccccccccccccccccccccccc'];

function buffer() {
  const chunks: string[] = [];
  const listeners: Array<() => void> = [];
  return {
    text: () => chunks.join(''),
    write(chunk: string) {
      chunks.push(chunk);
      for (const listener of [...listeners]) listener();
      return true;
    },
    /** Resolves once the output contains `needle`. */
    waitFor(needle: string): Promise<void> {
      return new Promise((resolve) => {
        const check = () => {
          if (!chunks.join('').includes(needle)) return;
          listeners.splice(listeners.indexOf(check), 1);
          resolve();
        };
        listeners.push(check);
        check();
      });
    },
  };
}

describe('gitops commands', () => {
  let root: string;
  let stdout: ReturnType<typeof buffer>;
  let stderr: ReturnType<typeof buffer>;
  let ctx: CliContext;

  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  /** Registers three versions of ops.deploy, each from its own commit. */
  const seed = async () => {
    const store = createSqliteStore({ file: join(root, 'data', 'harmonia.db') });
    const service = createPackSyncService({ store, packsDir: join(root, 'packs') });
    write('packs/ops/pack.yaml', packYaml('ops'));
    for (const [i, sha] of SHA.entries()) {
      write('packs/ops/workflows/deploy.yaml', workflowYaml(`release ${i + 1}`));
      const origin = { source: 'git' as const, commit: sha, author: 'Ada <ada@example.com>', date: `2026-03-0${i + 1}T10:00:00Z`, message: `release ${i + 1}\n\nbody` };
      await service.syncPack('ops', { origin });
    }
    await store.close();
  };
  const run = async (...args: string[]) => {
    const program = new Command('harmonia').exitOverride();
    registerWorkflowCommand(program, ctx);
    registerWorkflowHistoryCommand(program, ctx);
    registerWorkflowDiffCommand(program, ctx);
    registerRollbackCommand(program, ctx);
    registerUnpinCommand(program, ctx);
    registerRevisionCommands(program, ctx);
    registerDevCommand(program, ctx);
    await program.parseAsync(args, { from: 'user' });
    return ctx.exitCode;
  };
  const head = async () => {
    const store = createSqliteStore({ file: join(root, 'data', 'harmonia.db') });
    try {
      return await store.registry.getHead('workflow', 'ops.deploy');
    } finally {
      await store.close();
    }
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'harmonia-gitops-cli-'));
    stdout = buffer();
    stderr = buffer();
    ctx = createCliContext({
      cwd: root,
      env: { HARMONIA_DATA_DIR: join(root, 'data'), HARMONIA_PACKS_DIR: join(root, 'packs') },
      stdout,
      stderr,
    });
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('lists versions with their commits under the existing workflow command', async () => {
    await seed();
    await run('workflow', 'history', 'ops.deploy');
    expect(stdout.text()).toMatchInlineSnapshot(`
      "workflow ops.deploy: version 3 active, latest 3

      VERSION  COMMIT   AUTHOR                 DATE                 MESSAGE
            1  1111111  Ada <ada@example.com>  2026-03-01 10:00:00  release 1
            2  2222222  Ada <ada@example.com>  2026-03-02 10:00:00  release 2
           *3  3333333  Ada <ada@example.com>  2026-03-03 10:00:00  release 3
      "
    `);
  });

  it('prints the history as JSON', async () => {
    await seed();
    await run('workflow', 'history', 'ops.deploy', '--json');
    const history = JSON.parse(stdout.text()) as { items: Array<{ version: number; commit: string }> };
    expect(history.items.map((e) => [e.version, e.commit])).toEqual(SHA.map((sha, i) => [i + 1, sha]));
  });

  it('diffs two versions named by number or sha and exits 1 when they differ', async () => {
    await seed();
    const code = await run('workflow', 'diff', 'ops.deploy', '1', '3333333');
    expect(code).toBe(1);
    expect(stdout.text()).toContain('--- ops.deploy@v1 (1111111) workflows/deploy.yaml\n+++ ops.deploy@v3 (3333333)');
    expect(stdout.text()).toContain('-description: release 1\n+description: release 3\n');
  });

  it('rolls back to a commit, pins it, and unpins back to the newest version', async () => {
    await seed();
    await run('rollback', 'ops.deploy', '--to', '2222222');
    expect(stdout.text()).toBe(
      'workflow ops.deploy: version 3 → 2 (2222222), pinned; git syncs will not change it until `harmonia unpin`\n',
    );
    expect(await head()).toMatchObject({ active_version: 2, pinned: true });

    await run('unpin', 'ops.deploy');
    expect(await head()).toMatchObject({ active_version: 3, pinned: false });
  });

  it('refuses a rollback to a version that does not exist', async () => {
    await seed();
    await expect(run('rollback', 'ops.deploy', '--to', '9')).rejects.toThrow(
      "workflow 'ops.deploy' has no version or commit '9'",
    );
  });

  it('purges one old version and refuses the active one', async () => {
    await seed();
    await run('workflow', 'purge', 'ops.deploy', '1');
    expect(stdout.text()).toBe('purged version 1 of workflow ops.deploy\n');
    await expect(run('workflow', 'purge', 'ops.deploy', '3')).rejects.toThrow('is active');
  });

  it('keeps the newest versions with retain', async () => {
    await seed();
    await run('workflow', 'retain', '--keep', '2', '--json');
    expect(JSON.parse(stdout.text())).toEqual({
      dry_run: false,
      purged: [{ kind: 'workflow', ref: 'ops.deploy', version: 1 }],
      kept_in_use: [],
    });
  });
});

describe('runDev()', () => {
  it('syncs at start, re-syncs a saved pack and stops when aborted', async () => {
    const root = mkdtempSync(join(tmpdir(), 'harmonia-gitops-dev-'));
    const stdout = buffer();
    const ctx = createCliContext({
      cwd: root,
      env: { HARMONIA_DATA_DIR: join(root, 'data'), HARMONIA_PACKS_DIR: join(root, 'packs') },
      stdout,
      stderr: buffer(),
    });
    mkdirSync(join(root, 'packs/ops/workflows'), { recursive: true });
    writeFileSync(join(root, 'packs/ops/pack.yaml'), packYaml('ops'));
    writeFileSync(join(root, 'packs/ops/workflows/deploy.yaml'), workflowYaml('one'));
    const controller = new AbortController();
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const done = runDev(ctx, { signal: controller.signal, onReady: ready });
    try {
      await isReady;
      expect(stdout.text()).toContain('✓ ops  ops.deploy v1');
      writeFileSync(join(root, 'packs/ops/workflows/deploy.yaml'), workflowYaml('two'));
      await stdout.waitFor('ops.deploy v2');
    } finally {
      controller.abort();
      expect(await done).toBe(0);
      rmSync(root, { recursive: true, force: true });
    }
  });
});
