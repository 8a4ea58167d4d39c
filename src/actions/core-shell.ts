import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskResult } from '../core/model.js';
import type { ActionContext, ActionHandler } from './action.js';
import { buildChildEnv, readTaskEnv } from './child-env.js';
import { childResult } from './child-result.js';
import { resolveInside } from './resolve-inside.js';
import type { Containment } from './containment.js';
import { runChild, type RunAs } from './run-child.js';
import { errorResult } from './task-result.js';

/** What core.shell needs from the composition root. */
export interface ShellActionOptions {
  /** The server's environment; only `env_allowlist` names from it reach a child. */
  parent_env?: Readonly<Record<string, string | undefined>>;
  env_allowlist: readonly string[];
  /** Working directory when the task has no pack dir. @default os.tmpdir() */
  temp_dir?: string;
  /** @default 2000 */
  kill_grace_ms?: number;
  /** @default autoContainment() */
  containment?: Containment;
  /** The user and group task processes run as. @default the server's own */
  run_as?: RunAs;
}

type Invocation = { command: string; args: string[]; label: string } | string;

function readInvocation(input: Record<string, unknown>): Invocation {
  const { argv, command, shell } = input;
  if (argv !== undefined && command !== undefined) return `give either 'argv' or 'command', not both`;
  if (argv !== undefined) {
    if (!Array.isArray(argv) || argv.length === 0) return `'argv' must be a non-empty list of strings`;
    const parts: string[] = [];
    for (const part of argv) {
      if (typeof part === 'string') parts.push(part);
      else if (typeof part === 'number' || typeof part === 'boolean') parts.push(String(part));
      else return `every item of 'argv' must be a string; got ${JSON.stringify(part)}`;
    }
    const [program = '', ...args] = parts;
    if (program === '') return `'argv[0]' must name a program`;
    return { command: program, args, label: `command '${program}'` };
  }
  if (typeof command === 'string' && command.trim() !== '') {
    if (shell !== true) {
      return `'command' runs through /bin/sh only with 'shell: true'; use 'argv' to run a program without a shell`;
    }
    return { command: '/bin/sh', args: ['-c', command], label: 'shell command' };
  }
  return `core.shell needs 'argv' (a list) or 'command' with 'shell: true'`;
}

/**
 * `core.shell`: runs a program (`argv`, no shell) or a `/bin/sh -c` script (`command`
 * with `shell: true`) in the pack dir, with an allow-listed environment plus the task's
 * `env`. Values reach the child as argv or env, never spliced into the script.
 */
export function createShellAction(options: ShellActionOptions, packDir?: string): ActionHandler {
  return {
    async run(input: Record<string, unknown>, ctx: ActionContext): Promise<TaskResult> {
      const invocation = readInvocation(input);
      if (typeof invocation === 'string') return errorResult('ACTION_INPUT_INVALID', invocation, false);
      const env = readTaskEnv(input.env);
      if (typeof env === 'string') return errorResult('ACTION_INPUT_INVALID', env, false);
      const cwdInput = input.cwd ?? '.';
      if (typeof cwdInput !== 'string') return errorResult('ACTION_INPUT_INVALID', `'cwd' must be a string`, false);

      const base = ctx.pack_dir ?? packDir;
      const temp = base === undefined ? await mkdtemp(join(options.temp_dir ?? tmpdir(), 'harmonia-shell-')) : null;
      // mkdtemp makes it 0700 for the server's user: hand it to the task's user.
      if (temp !== null && options.run_as) await chown(temp, options.run_as.uid, options.run_as.gid);
      try {
        const cwd = await resolveInside(base ?? temp ?? '.', cwdInput, 'directory');
        if (!cwd.ok) {
          return cwd.reason === 'outside'
            ? errorResult('ACTION_FORBIDDEN', `cwd '${cwdInput}' leaves the pack directory; use a path inside it`, false)
            : errorResult('ACTION_INPUT_INVALID', `cwd '${cwdInput}' is not a directory inside the pack`, false);
        }
        const outcome = await runChild({
          command: invocation.command,
          args: invocation.args,
          cwd: cwd.path,
          env: buildChildEnv({ parent_env: options.parent_env, allowlist: options.env_allowlist, extra: env, ctx }),
          signal: ctx.signal,
          max_output_bytes: ctx.max_output_bytes,
          ...(options.kill_grace_ms === undefined ? {} : { kill_grace_ms: options.kill_grace_ms }),
        ...(options.containment === undefined ? {} : { containment: options.containment }),
        ...(options.run_as ? { run_as: options.run_as } : {}),
        ...(ctx.log ? { on_line: ctx.log } : {}),
        ...(ctx.log_backlog ? { log_backlog: ctx.log_backlog } : {}),
        });
        return childResult(outcome, ctx.signal, invocation.label, ctx.max_output_bytes);
      } finally {
        if (temp !== null) await rm(temp, { recursive: true, force: true });
      }
    },
  };
}
