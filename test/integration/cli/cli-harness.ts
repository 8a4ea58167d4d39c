/**
 * Runs the compiled CLI (dist/cli.js) as a child process. The tests exercise the
 * real bin, so build first: `npm run build` (npm test does it for you).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = join(ROOT, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Extra node flags placed before the script, e.g. `--import hook.mjs`. */
  nodeArgs?: string[];
}

/** Runs `node [nodeArgs] dist/cli.js ...args` and collects its output once it exits. */
export function runCli(args: readonly string[], options: RunOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env };
    for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
    for (const key of Object.keys(env)) if (key.startsWith('HARMONIA_') && !(key in (options.env ?? {}))) delete env[key];
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
}

/**
 * Fails fast with a clear message when dist/ is missing or older than the CLI's
 * entry files, rather than testing stale code. (Only the entry files: other
 * sources may be mid-edit while these tests run.)
 */
export function assertBuilt(): void {
  for (const source of ['cli.ts', 'cli/main.ts', 'config.ts']) {
    const built = join(ROOT, 'dist', source.replace(/\.ts$/, '.js'));
    if (!existsSync(built) || statSync(built).mtimeMs + 1000 < statSync(join(ROOT, 'src', source)).mtimeMs) {
      throw new Error(`${fromRoot(built)} is missing or older than its source: run \`npm run build\` before these tests`);
    }
  }
  // `validate` runs from dist/bundle/validate.cjs, made from dist/ by the build's bundle step.
  const bundle = join(ROOT, 'dist', 'bundle', 'validate.cjs');
  const modules = JSON.parse(readFileSync(join(ROOT, 'dist', 'bundle', 'validate.modules.json'), 'utf8')) as string[];
  for (const module of modules) {
    if (statSync(join(ROOT, module)).mtimeMs > statSync(bundle).mtimeMs) {
      throw new Error(`${fromRoot(bundle)} is older than ${module}: run \`npm run build\` before these tests`);
    }
  }
}

/** Creates a temp folder with the given files (paths relative to it). */
export function makeTree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-cli-'));
  writeTree(dir, files);
  return dir;
}

export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
}

export function removeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A path relative to the repository root, forward slashes. */
export function fromRoot(path: string): string {
  return relative(ROOT, path).split('\\').join('/');
}

export const PACK_YAML = 'ref: demo\nversion: 1.0.0\ndescription: Demo pack\n';

export const VALID_WORKFLOW = [
  'version: 1.0.0',
  'name: Hello',
  'tasks:',
  '  greet:',
  '    action: core.echo',
  '    input: { message: hello }',
  '  shout:',
  '    action: core.echo',
  '    depends_on: [greet]',
  '    input: { message: "${tasks.greet.output.message}" }',
  '',
].join('\n');

export const CYCLIC_WORKFLOW = [
  'version: 1.0.0',
  'tasks:',
  '  a:',
  '    action: core.noop',
  '    depends_on: [b]',
  '  b:',
  '    action: core.noop',
  '    depends_on: [a]',
  '',
].join('\n');

/** Valid, but carries a harmonia-ignore directive naming an unknown code: one warning. */
export const WARNING_WORKFLOW = ['version: 1.0.0', 'tasks:', '  only:', '    action: core.noop # harmonia-ignore NOT_A_CODE', ''].join('\n');
