import { dirname, resolve } from 'node:path';
import type { ActionDef, TaskResult } from '../core/model.js';
import { checkParameters } from '../templates/check-parameters.js';
import type { ActionContext, ActionHandler } from './action.js';
import { buildChildEnv } from './child-env.js';
import { childResult } from './child-result.js';
import { resolveInside } from './resolve-inside.js';
import type { Containment } from './containment.js';
import { runChild, type RunAs } from './run-child.js';
import { errorResult } from './task-result.js';

/** What pack-script actions need from the composition root. */
export interface PackScriptOptions {
  /** The server's environment; only `env_allowlist` names from it reach a script. */
  parent_env?: Readonly<Record<string, string | undefined>>;
  env_allowlist: readonly string[];
  /** Interpreter for `runner: node`. @default process.execPath */
  node_path?: string;
  /** @default 2000 */
  kill_grace_ms?: number;
  /**
   * The script to run instead of `actions/<entry_point>` in the pack: the version's
   * registered file, materialised in the action cache. The pack directory stays the cwd
   * when it exists, else the script's own directory is. @default the pack's file
   */
  entry_path?: string;
  /** @default autoContainment() */
  containment?: Containment;
  /** The user and group task processes run as. @default the server's own */
  run_as?: RunAs;
}

/** Inputs larger than this travel on stdin only: the kernel caps one env string near 128 KiB. */
export const MAX_INPUT_ENV_BYTES = 64 * 1024;

/**
 * A pack action with `runner: shell` (`/bin/sh <entry_point>`) or `runner: node`
 * (`node <entry_point>`), run in the pack dir. The input (defaults applied) goes on stdin
 * and in HARMONIA_INPUT; the last JSON object line of stdout is the output.
 */
export function createPackScriptAction(ref: string, def: ActionDef, packDir: string, options: PackScriptOptions): ActionHandler {
  const what = `action '${ref}'`;
  return {
    ...(def.timeout_ms === undefined ? {} : { timeout_ms: def.timeout_ms }),
    async run(input: Record<string, unknown>, ctx: ActionContext): Promise<TaskResult> {
      if (def.runner !== 'shell' && def.runner !== 'node') {
        return errorResult('ACTION_FAILED', `${what} has runner '${def.runner}'; expected shell or node`, false);
      }
      if (def.entry_point === undefined || def.entry_point === '') {
        return errorResult('ACTION_FAILED', `${what} has no entry_point; name a script under actions/`, false);
      }
      const checked = checkParameters(def.parameters, input, { allow_unknown: true });
      if (!checked.ok) return errorResult('ACTION_INPUT_INVALID', `${what}: ${checked.problem.message}`, false);
      let entryPath: string;
      let cwdPath: string;
      if (options.entry_path !== undefined) {
        entryPath = options.entry_path;
        const packCwd = await resolveInside(packDir, '.', 'directory');
        cwdPath = packCwd.ok ? packCwd.path : dirname(entryPath);
      } else {
        const entry = await resolveInside(packDir, resolve(packDir, 'actions', def.entry_point), 'file');
        if (!entry.ok) {
          return entry.reason === 'outside'
            ? errorResult('ACTION_FORBIDDEN', `${what}: entry_point '${def.entry_point}' leaves the pack directory`, false)
            : errorResult('ACTION_FAILED', `${what}: entry_point '${def.entry_point}' is not a file under actions/`, false);
        }
        const cwd = await resolveInside(packDir, '.', 'directory');
        if (!cwd.ok) return errorResult('ACTION_FAILED', `${what}: pack directory '${packDir}' is missing`, false);
        entryPath = entry.path;
        cwdPath = cwd.path;
      }
      const inputJson = JSON.stringify(checked.values);
      const outcome = await runChild({
        command: def.runner === 'node' ? (options.node_path ?? process.execPath) : '/bin/sh',
        args: [entryPath],
        cwd: cwdPath,
        env: buildChildEnv({
          parent_env: options.parent_env,
          allowlist: options.env_allowlist,
          ctx,
          ...(Buffer.byteLength(inputJson) <= MAX_INPUT_ENV_BYTES ? { input_json: inputJson } : {}),
        }),
        stdin: inputJson,
        signal: ctx.signal,
        max_output_bytes: ctx.max_output_bytes,
        ...(options.kill_grace_ms === undefined ? {} : { kill_grace_ms: options.kill_grace_ms }),
        ...(options.containment === undefined ? {} : { containment: options.containment }),
        ...(options.run_as ? { run_as: options.run_as } : {}),
        ...(ctx.log ? { on_line: ctx.log } : {}),
        ...(ctx.log_backlog ? { log_backlog: ctx.log_backlog } : {}),
      });
      return childResult(outcome, ctx.signal, what, ctx.max_output_bytes);
    },
  };
}
