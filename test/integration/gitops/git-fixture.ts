/**
 * Real git repositories in a temp dir for the GitOps tests: a bare "remote", a working
 * clone that commits and pushes to it, and a SQLite store. Tests drive git directly
 * here (this is the fixture, not the code under test).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';

export interface GitFixture {
  root: string;
  /** file:// URL of the bare remote. */
  url: string;
  /** The working clone that commits are made in. */
  work: string;
  dataDir: string;
  store: Store;
  write(file: string, text: string): void;
  remove(file: string): void;
  rename(from: string, to: string): void;
  /** Commits everything in the working clone, pushes (forced when asked) and returns the sha. */
  commit(message: string, options?: { force?: boolean; author?: string }): string;
  git(...args: string[]): string;
  cleanup(): Promise<void>;
}

export function createGitFixture(): GitFixture {
  const root = mkdtempSync(join(tmpdir(), 'harmonia-gitops-'));
  const remote = join(root, 'remote.git');
  const work = join(root, 'work');
  const dataDir = join(root, 'data');
  const run = (cwd: string, args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Ada Lovelace', '-c', 'user.email=ada@example.com', ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  mkdirSync(work, { recursive: true });
  run(root, ['init', '--quiet', '--bare', '--initial-branch=main', remote]);
  run(work, ['init', '--quiet', '--initial-branch=main']);
  run(work, ['remote', 'add', 'origin', remote]);
  const store = createSqliteStore({ file: join(dataDir, 'harmonia.db'), synchronous: 'NORMAL' });
  return {
    root,
    url: pathToFileURL(remote).href,
    work,
    dataDir,
    store,
    write(file, text) {
      const abs = join(work, file);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, text);
    },
    remove(file) {
      rmSync(join(work, file), { recursive: true, force: true });
    },
    rename(from, to) {
      mkdirSync(dirname(join(work, to)), { recursive: true });
      renameSync(join(work, from), join(work, to));
    },
    commit(message, options = {}) {
      run(work, ['add', '--all']);
      const author = options.author ? ['--author', options.author] : [];
      run(work, ['commit', '--quiet', '--allow-empty', '-m', message, ...author]);
      run(work, ['push', '--quiet', ...(options.force ? ['--force'] : []), 'origin', 'HEAD:main']);
      return run(work, ['rev-parse', 'HEAD']);
    },
    git: (...args) => run(work, args),
    async cleanup() {
      await store.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** pack.yaml text. */
export function packYaml(ref: string, dependencies: string[] = []): string {
  const deps = dependencies.length > 0 ? `dependencies: [${dependencies.join(', ')}]\n` : '';
  return `ref: ${ref}\nversion: 1.0.0\n${deps}`;
}

/** A valid workflow whose description tells versions apart. */
export function workflowYaml(description: string): string {
  return [
    'version: 1.0.0',
    `description: ${description}`,
    'tasks:',
    '  hello:',
    '    action: core.echo',
    '    input:',
    `      message: ${JSON.stringify(description)}`,
    '',
  ].join('\n');
}

/** A workflow that fails validation: a dependency on a task that does not exist. */
export function invalidWorkflowYaml(): string {
  return ['version: 1.0.0', 'tasks:', '  hello:', '    action: core.echo', '    depends_on: [missing_task]', ''].join(
    '\n',
  );
}
