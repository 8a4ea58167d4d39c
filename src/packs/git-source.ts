/**
 * The git side of GitOps, and the only module that imports simple-git: a local clone
 * of one branch of a remote under `<data_dir>/git/<hash of url>`, hard-reset to what
 * the remote says (force-pushes and branch resets included), plus the commit that
 * last touched a path.
 *
 * Credentials: an https token travels as an `http.<origin>.extraHeader` set through
 * GIT_CONFIG_* environment variables — never on a command line (visible in `ps`),
 * never in `.git/config`, and scrubbed from every error message.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { SimpleGit, simpleGit as SimpleGitFactory } from 'simple-git';
import { HarmoniaError } from '../core/errors.js';

let factory: typeof SimpleGitFactory | undefined;

// Required on first use: `harmonia validate` bundles this module for --changed-since
// (dist/bundle/validate.cjs), and a static import would load simple-git on every run.
function simpleGit(...args: Parameters<typeof SimpleGitFactory>): SimpleGit {
  factory ??= (createRequire(import.meta.url)('simple-git') as { simpleGit: typeof SimpleGitFactory }).simpleGit;
  return factory(...args);
}

/** A commit as recorded on the versions it produced. */
export interface CommitInfo {
  sha: string;
  /** `Name <email>`. */
  author: string;
  /** ISO 8601 author date. */
  date: string;
  /** The full commit message, trimmed. */
  message: string;
}

export interface GitSourceOptions {
  /** Remote URL: https://, ssh (git@host:org/repo.git) or file://. */
  url: string;
  /** @default 'main' */
  branch?: string;
  /** Folder of the repository that holds the packs. @default 'packs' */
  path?: string;
  /** The clone lives in `<dataDir>/git/<hash of url>`. */
  dataDir: string;
  /** Where the clone lives instead (several sources may follow one repository). @default cloneDirFor(dataDir, url) */
  cloneDir?: string;
  /** An https access token (GitHub, GitLab); sent as basic auth by git, never logged. */
  token?: string;
  /** User name paired with the token. @default 'x-access-token' (GitHub; GitLab accepts any) */
  tokenUser?: string;
  /**
   * Environment of the git processes (PATH, HOME, proxies). Variables that steer git
   * itself (GIT_*, EDITOR, PAGER) are dropped. @default {}
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Kill a git command that prints nothing for this long. @default 120000 */
  timeoutMs?: number;
}

/** What the working tree holds after an update. */
export interface Checkout {
  /** The commit checked out. */
  commit: CommitInfo;
  /** The branch followed, or the tag/sha pinned by `update(ref)`. */
  ref: string;
  /** Absolute directory of the packs inside the clone. */
  packsDir: string;
}

export interface GitSource {
  /** The remote URL with any embedded credentials masked. */
  readonly url: string;
  readonly branch: string;
  /** Path of the packs folder inside the repository, forward slashes. */
  readonly path: string;
  /** Absolute clone directory. */
  readonly dir: string;
  /** Absolute packs directory inside the clone. */
  readonly packsDir: string;
  /**
   * Clones when needed, fetches, and hard-resets the working tree to the branch head —
   * or to `ref` (a tag, branch or commit sha) when given.
   *
   * Thrown when the remote cannot be read or `ref` is unknown (CONNECTION_ERROR, VERSION_NOT_FOUND).
   */
  update(ref?: string): Promise<Checkout>;
  /** The newest commit at or before HEAD touching `pathInRepo`; null when none does. */
  lastCommit(pathInRepo: string): Promise<CommitInfo | null>;
  /** The commit checked out now, without fetching; null when there is no clone (or no commit) yet. */
  current(): Promise<CommitInfo | null>;
}

const SEPARATOR = '\u001f';
// Names only: a leading '-' would let a ref be read as a git option.
const SAFE_REF = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._\/-]*$/;
const LOG_FORMAT = ['%H', '%an <%ae>', '%aI', '%B'].join('%x1f');
const GUARDED_ENV = new Set(['editor', 'visual', 'pager', 'prefix', 'ssh_askpass']);

/** Replaces every secret, and any credentials embedded in a URL, by `***`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@');
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

/** The directory a remote is cloned into: stable per URL, safe as a file name. */
export function cloneDirFor(dataDir: string, url: string): string {
  return path.resolve(dataDir, 'git', createHash('sha256').update(url).digest('hex').slice(0, 16));
}

function parseCommit(output: string): CommitInfo | null {
  const [sha, author, date, ...rest] = output.trim().split(SEPARATOR);
  if (!sha || author === undefined || date === undefined) return null;
  return { sha, author, date, message: rest.join(SEPARATOR).trim() };
}

function httpOrigin(url: string): string | null {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
    return `${parsed.protocol}//${parsed.host}/`;
  } catch {
    return null;
  }
}

/**
 * An http(s) URL without its user and password, and those two decoded. The remote is stored
 * in the clone's .git/config for as long as the clone lives, so credentials written into the
 * URL travel as the token does (a header through git's environment) and never reach it.
 */
function splitUrlCredentials(url: string): { url: string; user: string; password: string } | null {
  try {
    const parsed = new URL(url);
    // a user alone is no secret, and may be what a credential helper is keyed on
    if ((parsed.protocol !== 'https:' && parsed.protocol !== 'http:') || parsed.password === '') return null;
    const credentials = { user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
    parsed.username = '';
    parsed.password = '';
    return { url: parsed.href, ...credentials };
  } catch {
    return null;
  }
}

function gitEnv(options: GitSourceOptions): { env: Record<string, string>; allow: string[]; secrets: string[] } {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.env ?? {})) {
    const lower = key.toLowerCase();
    if (value === undefined || lower.startsWith('git') || GUARDED_ENV.has(lower)) continue;
    env[key] = value;
  }
  // A missing credential must fail the fetch, not wait for someone to type a password.
  env.GIT_TERMINAL_PROMPT = '0';
  const allow = ['GIT_TERMINAL_PROMPT'];
  const secrets: string[] = [];
  const origin = httpOrigin(options.url);
  const inUrl = splitUrlCredentials(options.url);
  // The token variable wins over credentials in the URL, which are never stored either way.
  const credentials = options.token ? `${options.tokenUser ?? 'x-access-token'}:${options.token}` : inUrl ? `${inUrl.user}:${inUrl.password}` : null;
  if (credentials !== null && origin) {
    const basic = Buffer.from(credentials).toString('base64');
    // Scoped to the remote's origin, so a redirect to another host never receives it.
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = `http.${origin}.extraHeader`;
    env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${basic}`;
    allow.push('GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0');
    secrets.push(...(options.token ? [options.token] : []), ...(inUrl ? [inUrl.password] : []), basic);
  }
  return { env, allow, secrets };
}

/**
 * Creates the git source for one remote branch. Nothing touches the network or disk
 * until `update()`.
 *
 * @example
 * const git = createGitSource({ url: 'https://github.com/acme/flows.git', dataDir: './data', token, env: process.env });
 * const { commit, packsDir } = await git.update();
 */
export function createGitSource(options: GitSourceOptions): GitSource {
  if (options.url.trim() === '') {
    throw new HarmoniaError('CONFIG_INVALID', "git url '' is empty; expected an https://, ssh or file:// url");
  }
  const branch = options.branch ?? 'main';
  if (!SAFE_REF.test(branch)) {
    throw new HarmoniaError('CONFIG_INVALID', `git branch '${branch}' is not a valid branch name; expected e.g. 'main'`);
  }
  const packsPath = (options.path ?? 'packs').replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  const dir = options.cloneDir ?? cloneDirFor(options.dataDir, options.url);
  const packsDir = path.join(dir, packsPath);
  const { env, allow, secrets } = gitEnv(options);
  const scrub = (text: string) => scrubSecrets(text, [...secrets, options.url.match(/\/\/([^/@]+)@/)?.[1] ?? '']);
  const safeUrl = scrub(options.url);
  const remoteUrl = splitUrlCredentials(options.url)?.url ?? options.url;

  let client: SimpleGit | null = null;
  const git = (): SimpleGit => {
    client ??= simpleGit({
      baseDir: dir,
      allowEnvironment: allow,
      unsafe: { allowUnsafeConfigEnvCount: true },
      timeout: { block: options.timeoutMs ?? 120_000 },
    }).env(env);
    return client;
  };

  async function run(what: string, args: string[]): Promise<string> {
    try {
      return await git().raw(args);
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      // The original error is not attached as `cause`: its text may hold credentials.
      throw new HarmoniaError('CONNECTION_ERROR', `git ${what} of '${safeUrl}' failed: ${scrub(text).trim()}`, {
        details: { url: safeUrl, branch },
      });
    }
  }

  let remoteChecked = false;
  async function ensureRepository(): Promise<void> {
    if (existsSync(path.join(dir, '.git'))) {
      // A clone made by an older version kept the URL's credentials in its config.
      if (!remoteChecked && remoteUrl !== options.url) await run('remote set-url', ['remote', 'set-url', 'origin', remoteUrl]);
      remoteChecked = true;
      return;
    }
    remoteChecked = true;
    await mkdir(dir, { recursive: true });
    await run('init', ['init', '--quiet']);
    await run('remote add', ['remote', 'add', 'origin', remoteUrl]);
  }

  async function resolveTarget(ref: string): Promise<string> {
    // rev-parse --quiet answers an unknown name with no output (and may not fail).
    const verify = async (name: string): Promise<string> => {
      try {
        return (await git().raw(['rev-parse', '--verify', '--quiet', `${name}^{commit}`])).trim();
      } catch {
        return '';
      }
    };
    for (const candidate of [`refs/tags/${ref}`, `refs/remotes/origin/${ref}`, ref]) {
      const sha = await verify(candidate);
      if (sha !== '') return sha;
    }
    // A commit no branch or tag reaches: hosts such as GitHub serve it by sha.
    const fetched = await git()
      .raw(['fetch', '--quiet', 'origin', ref])
      .then(() => verify('FETCH_HEAD'))
      .catch(() => '');
    if (fetched === '') {
      throw new HarmoniaError(
        'VERSION_NOT_FOUND',
        `git ref '${ref}' is not a tag, branch or commit of '${safeUrl}'; expected one of those`,
        { details: { ref } },
      );
    }
    return fetched;
  }

  async function readCommit(args: string[]): Promise<CommitInfo | null> {
    const output = await run('log', ['log', '-1', `--format=${LOG_FORMAT}`, ...args]);
    return output.trim() === '' ? null : parseCommit(output);
  }

  return {
    url: safeUrl,
    branch,
    path: packsPath,
    dir,
    packsDir,
    async update(ref) {
      if (ref !== undefined && !SAFE_REF.test(ref)) {
        throw new HarmoniaError('USAGE_INVALID', `git ref '${ref}' is not a tag, branch or sha name; expected e.g. 'v1.2.0' or '9f2c1e7'`);
      }
      await ensureRepository();
      // The forced refspec follows force-pushes; --prune drops deleted branches; tags are
      // forced too so a moved tag is followed when a deployment is pinned to it.
      await run('fetch', [
        'fetch',
        '--quiet',
        '--prune',
        '--force',
        '--tags',
        'origin',
        `+refs/heads/${branch}:refs/remotes/origin/${branch}`,
      ]);
      const target = ref === undefined ? `refs/remotes/origin/${branch}` : await resolveTarget(ref);
      await run('reset', ['reset', '--quiet', '--hard', target]);
      // Files that are not in the commit (left by an older checkout) must not be synced.
      await run('clean', ['clean', '-ffdxq']);
      const commit = await readCommit(['HEAD']);
      if (!commit) throw new HarmoniaError('CONNECTION_ERROR', `git log of '${safeUrl}' returned no commit`);
      return { commit, ref: ref ?? branch, packsDir };
    },
    lastCommit(pathInRepo) {
      return readCommit(['HEAD', '--', pathInRepo]);
    },
    async current() {
      if (!existsSync(path.join(dir, '.git'))) return null;
      // A clone whose first fetch failed has no HEAD commit yet: that is "nothing checked out".
      return readCommit(['HEAD']).catch(() => null);
    },
  };
}

/**
 * Pack refs with a file changed since `ref` (merge base with HEAD, as `git diff
 * ref...HEAD`) or changed in the working tree and index, untracked files included.
 * Packs that were deleted are listed too; the caller skips those that are gone.
 *
 * Thrown when `repoDir` is not a repository or `ref` is unknown (USAGE_INVALID).
 *
 * @example
 * const packs = await changedPacks('.', 'origin/main', 'packs'); // ['ci_cd']
 */
export async function changedPacks(repoDir: string, ref: string, packsPath: string): Promise<string[]> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/~^@{}-]*$/.test(ref)) {
    throw new HarmoniaError('USAGE_INVALID', `'${ref}' is not a git ref; expected e.g. 'origin/main' or 'HEAD~3'`);
  }
  const git = simpleGit({ baseDir: repoDir });
  const prefix = packsPath.replace(/\\/g, '/').replace(/^\.\/|^\/+|\/+$/g, '');
  let files: string[];
  try {
    const root = (await git.raw(['rev-parse', '--show-toplevel'])).trim();
    const outputs = await Promise.all([
      git.raw(['diff', '--name-only', '--no-renames', `${ref}...HEAD`]),
      git.raw(['diff', '--name-only', '--no-renames', 'HEAD']),
      git.raw(['ls-files', '--others', '--exclude-standard', '--full-name']),
    ]);
    // diff prints paths from the repository root; make them relative to repoDir.
    const base = path.relative(root, path.resolve(repoDir)).replace(/\\/g, '/');
    files = outputs
      .flatMap((output) => output.split('\n'))
      .map((file) => file.trim())
      .filter((file) => file !== '')
      .map((file) => (base === '' ? file : path.posix.relative(base, file)));
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw new HarmoniaError('USAGE_INVALID', `cannot list changes since '${ref}' in '${repoDir}': ${text.trim()}`, {
      details: { ref, repo: repoDir },
    });
  }
  const packs = new Set<string>();
  for (const file of files) {
    const rest = prefix === '' || prefix === '.' ? file : file.startsWith(`${prefix}/`) ? file.slice(prefix.length + 1) : null;
    const pack = rest?.split('/')[0];
    // A file directly in the packs folder (a README) belongs to no pack.
    if (pack && rest !== pack) packs.add(pack);
  }
  return [...packs].sort();
}
