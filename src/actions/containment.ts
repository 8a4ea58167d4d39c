/**
 * How task processes are kept from outliving the engine that started them.
 *
 * - `namespace` (Linux): each task runs in its own PID namespace under a tiny init, and the
 *   namespace's creator dies with the engine (parent-death signal). When the engine dies —
 *   even by SIGKILL — the kernel kills every process in the namespace, including ones that
 *   double-forked or called setsid.
 * - `parent-death` (Linux, no namespaces allowed): the task's own process gets SIGKILL when
 *   the engine dies; processes it started in another session can survive.
 * - `process-group` (everywhere): the task leads a process group that is killed on abort and
 *   after it exits; nothing is killed if the engine itself is killed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { HarmoniaError } from '../core/errors.js';

export type ContainmentLevel = 'namespace' | 'parent-death' | 'process-group';
/** What an operator asks for; `auto` takes the strongest level the platform allows. */
export type ContainmentMode = 'auto' | ContainmentLevel;

export interface Containment {
  readonly level: ContainmentLevel;
  /**
   * The command line that runs `command args` at this level. With `runAs`, the task itself
   * runs as that user; the result says whether the switch is done inside the wrapper (the
   * namespace must be made as root first) or left to the spawn.
   */
  wrap(command: string, args: readonly string[], runAs?: { uid: number; gid: number }): { command: string; args: string[]; switched?: boolean };
}

// The init keeps the task off PID 1 (which ignores signals it has no handler for), hands it
// stdin (a background job would get /dev/null), and exits with the task's status.
const INIT_SCRIPT = 'exec 3<&0; "$@" <&3 3<&- & exec 2>/dev/null; wait $!';

function findTool(name: string): string | null {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    const path = `${dir}/${name}`;
    if (existsSync(path)) return path;
  }
  return null;
}

function works(command: string, args: string[]): boolean {
  const result = spawnSync(command, [...args, '/bin/true'], { stdio: 'ignore', timeout: 5000 });
  return result.status === 0;
}

function namespaceContainment(setpriv: string, unshare: string): Containment | null {
  for (const extra of [[], ['--user', '--map-current-user']]) {
    const prefix = ['--pdeathsig', 'KILL', unshare, ...extra, '--pid', '--fork', '--kill-child', '--'];
    if (!works(setpriv, prefix)) continue;
    return {
      level: 'namespace',
      wrap: (command, args, runAs) => {
        // Dropping to the task's user happens inside: making the namespace needs the server's privileges.
        const drop = runAs ? [setpriv, `--reuid=${runAs.uid}`, `--regid=${runAs.gid}`, '--clear-groups', '--'] : [];
        return { command: setpriv, args: [...prefix, ...drop, '/bin/sh', '-c', INIT_SCRIPT, 'harmonia-init', command, ...args], switched: runAs !== undefined };
      },
    };
  }
  return null;
}

const plain: Containment = { level: 'process-group', wrap: (command, args) => ({ command, args: [...args] }) };
const detected = new Map<ContainmentMode, Containment | null>();

/** The strongest containment this platform gives (never null: a process group at worst). */
export function autoContainment(): Containment {
  return detectContainment('auto') ?? plain;
}

/**
 * The containment this platform gives for `mode`, probed once per process; null when an
 * explicit level is not available here.
 */
export function detectContainment(mode: ContainmentMode = 'auto'): Containment | null {
  const known = detected.get(mode);
  if (known !== undefined) return known;
  let result: Containment | null = null;
  if (mode === 'process-group') result = plain;
  else if (process.platform === 'linux') {
    const setpriv = findTool('setpriv');
    const unshare = findTool('unshare');
    if (setpriv !== null && unshare !== null && (mode === 'auto' || mode === 'namespace')) result = namespaceContainment(setpriv, unshare);
    if (result === null && setpriv !== null && (mode === 'auto' || mode === 'parent-death')) {
      const prefix = ['--pdeathsig', 'KILL', '--'];
      if (works(setpriv, prefix)) result = { level: 'parent-death', wrap: (command, args) => ({ command: setpriv, args: [...prefix, command, ...args] }) };
    }
  }
  if (result === null && mode === 'auto') result = plain;
  detected.set(mode, result);
  return result;
}

/**
 * The containment for an operator's setting.
 * Thrown when the level asked for is not available on this platform: CONFIG_INVALID.
 */
export function resolveContainment(mode: ContainmentMode): Containment {
  const found = detectContainment(mode);
  if (found !== null) return found;
  throw new HarmoniaError('CONFIG_INVALID', `task containment '${mode}' is not available here; use 'auto' to take the strongest this platform allows`, {
    details: { variable: 'HARMONIA_TASK_CONTAINMENT', value: mode },
  });
}
