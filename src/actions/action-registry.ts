import type { ActionDef, TaskDef, WorkflowDef } from '../core/model.js';
import { HarmoniaError } from '../core/errors.js';
import { suggest } from '../core/suggest.js';
import type { ChatClient } from '../llm/chat-client.js';
import type { ComponentRepo, Store } from '../store/store.js';
import { createActionFileCache } from './action-file-cache.js';
import type { ActionHandler } from './action.js';
import type { HostLookup, HttpPolicy } from './address-guard.js';
import { DEFAULT_ENV_ALLOWLIST } from './child-env.js';
import type { Containment } from './containment.js';
import { createEchoAction } from './core-echo.js';
import { createFailAction } from './core-fail.js';
import { createHttpAction } from './core-http.js';
import { createLlmAction } from './core-llm.js';
import { createNoopAction } from './core-noop.js';
import { createShellAction } from './core-shell.js';
import { createSleepAction } from './core-sleep.js';
import { createHttpRunnerAction } from './http-runner.js';
import { createPackActionVersions } from './pack-action-versions.js';
import { createPackScriptAction } from './pack-script.js';
import { createRemoteComponentAction } from './remote-component.js';
import type { RunAs } from './run-child.js';

/** A pack's actions as the registry sees them: its directory and action definitions. */
export interface PackActions {
  /** Absolute path of the pack directory (cwd of its scripts). */
  dir: string;
  /** Keyed by full ref (`my_pack.build`) or by bare name (`build`). */
  actions: ReadonlyMap<string, ActionDef>;
}

export interface ActionRegistryOptions {
  /** Looks up a loaded pack by ref; null when unknown. Not used when `pinned` is set. @default none: no pack actions */
  packs?: (packRef: string) => PackActions | null;
  /**
   * Pack actions read through the store, pinned per execution, run from their registered
   * files materialised in `cache_dir` (see pack-action-versions.ts). What servers and
   * `harmonia run` use. @default off: pack actions come from `packs`
   */
  pinned?: { store: Pick<Store, 'registry' | 'executions'>; packs_dir: string; cache_dir: string };
  /** Registered remote components; tasks with `component:` need it. */
  components?: ComponentRepo;
  /** Parent environment variables children may see. @default PATH HOME LANG LC_ALL LC_CTYPE TZ TMPDIR */
  env_allowlist?: readonly string[];
  /** The server's environment (read by the composition root, never here). @default { PATH: '/usr/local/bin:/usr/bin:/bin' } */
  parent_env?: Readonly<Record<string, string | undefined>>;
  /** Which addresses core.http, http runners and components may reach. @default { allow_private: true } */
  http?: HttpPolicy;
  /** DNS resolution for the address check (tests). @default dns.lookup, all addresses */
  lookup?: HostLookup;
  /** Time between SIGTERM and SIGKILL when stopping a child. @default 2000 */
  kill_grace_ms?: number;
  /** Where core.shell makes a scratch cwd when a task has no pack. @default os.tmpdir() */
  temp_dir?: string;
  /** Interpreter for `runner: node`. @default process.execPath */
  node_path?: string;
  /** How task processes are kept from outliving the engine. @default autoContainment() */
  containment?: Containment;
  /** The model server core.llm talks to (HARMONIA_LLM_*). @default null: core.llm tasks fail with LLM_NOT_CONFIGURED */
  llm?: ChatClient | null;
  /** The user and group task processes (core.shell, pack scripts) run as. @default the server's own */
  run_as?: RunAs;
}

/** Finds the handler that runs a task. */
export interface ActionRegistry {
  /** The version id of each pack action a workflow names, pinned by the execution starting now ({} without `pinned`). */
  pin(workflow: WorkflowDef, executionId: string): Promise<Record<string, string>>;
  /** Loads the versions an execution pinned (its workflow_started `action_versions`) before it is carried on. */
  warm(executionId: string, pins: unknown): Promise<void>;
  /**
   * The handler for a task's action: a built-in (`core.*`), a pack action, or a remote
   * component capability (`component:` set). `packDir` is the workflow's own pack, the
   * default cwd of core.shell.
   * Thrown when the action is unknown: ACTION_NOT_FOUND (COMPONENT_NOT_FOUND when a
   * component task is resolved without a component registry).
   */
  resolve(task: Pick<TaskDef, 'action' | 'component'>, packDir?: string, executionId?: string): ActionHandler;
}

/** Built-in actions this registry runs (core.workflow is run by the engine). */
export const BUILTIN_ACTIONS = ['core.noop', 'core.echo', 'core.sleep', 'core.fail', 'core.shell', 'core.http', 'core.llm'] as const;

/**
 * Creates the action registry the engine resolves tasks against.
 * @example
 * const actions = createActionRegistry({ packs: (ref) => loaded.get(ref) ?? null, components: store.components });
 * const result = await actions.resolve(task).run(input, ctx);
 */
export function createActionRegistry(options: ActionRegistryOptions): ActionRegistry {
  const env_allowlist = options.env_allowlist ?? DEFAULT_ENV_ALLOWLIST;
  const policy: HttpPolicy = options.http ?? {};
  const lookup = options.lookup ? { lookup: options.lookup } : {};
  const grace = options.kill_grace_ms === undefined ? {} : { kill_grace_ms: options.kill_grace_ms };
  const childOptions = {
    parent_env: options.parent_env,
    env_allowlist,
    ...grace,
    ...(options.containment ? { containment: options.containment } : {}),
    ...(options.run_as ? { run_as: options.run_as } : {}),
  };
  const noop = createNoopAction();
  const echo = createEchoAction();
  const sleep = createSleepAction();
  const fail = createFailAction();
  const http = createHttpAction({ policy, ...lookup });
  const llm = createLlmAction(options.llm ?? null);
  const buildPackAction = (ref: string, def: ActionDef, packDir: string, entryPath?: string): ActionHandler =>
    def.runner === 'http'
      ? createHttpRunnerAction(ref, def, { policy, ...lookup })
      : createPackScriptAction(ref, def, packDir, {
          ...childOptions,
          ...(options.node_path === undefined ? {} : { node_path: options.node_path }),
          ...(entryPath === undefined ? {} : { entry_path: entryPath }),
        });
  const pinned = options.pinned
    ? createPackActionVersions({
        store: options.pinned.store,
        packs_dir: options.pinned.packs_dir,
        cache: createActionFileCache(options.pinned.cache_dir),
        build: buildPackAction,
      })
    : null;

  const builtin = (name: string, packDir: string | undefined): ActionHandler | null => {
    switch (name) {
      case 'core.noop':
        return noop;
      case 'core.echo':
        return echo;
      case 'core.sleep':
        return sleep;
      case 'core.fail':
        return fail;
      case 'core.http':
        return http;
      case 'core.llm':
        return llm;
      case 'core.shell':
        return createShellAction(
          { ...childOptions, ...(options.temp_dir === undefined ? {} : { temp_dir: options.temp_dir }) },
          packDir,
        );
      default:
        return null;
    }
  };

  return {
    pin: (workflow, executionId) => (pinned ? pinned.pin(workflow, executionId) : Promise.resolve({})),
    warm: (executionId, pins) => (pinned ? pinned.warm(executionId, pins) : Promise.resolve()),
    resolve(task, packDir, executionId) {
      const ref = task.action;
      if (task.component !== undefined) {
        if (!options.components) {
          throw new HarmoniaError('COMPONENT_NOT_FOUND', `component '${task.component}' cannot be used: no component registry is configured`, {
            details: { component: task.component, action: ref },
          });
        }
        return createRemoteComponentAction(task.component, ref, { components: options.components, policy, ...lookup });
      }
      if (ref === 'core.workflow') {
        throw new HarmoniaError('ACTION_NOT_FOUND', `action 'core.workflow' is run by the engine, not by an action handler`, {
          details: { action: ref },
        });
      }
      const found = builtin(ref, packDir);
      if (found) return found;
      const dot = ref.indexOf('.');
      const packRef = dot > 0 ? ref.slice(0, dot) : '';
      const name = ref.slice(dot + 1);
      if (packRef === 'core') {
        const close = suggest(ref, BUILTIN_ACTIONS);
        throw new HarmoniaError(
          'ACTION_NOT_FOUND',
          `unknown action '${ref}'; ${close ? `did you mean '${close}'?` : `built-ins are ${BUILTIN_ACTIONS.join(', ')}`}`,
          { details: { action: ref } },
        );
      }
      if (pinned && packRef !== '') return pinned.handlerFor(ref, executionId);
      const pack = packRef === '' ? null : (options.packs?.(packRef) ?? null);
      if (pack === null) {
        throw new HarmoniaError('ACTION_NOT_FOUND', `unknown action '${ref}'; pack '${packRef || ref}' is not loaded`, {
          details: { action: ref },
        });
      }
      const def = pack.actions.get(ref) ?? pack.actions.get(name);
      if (def === undefined) {
        const names = [...pack.actions.keys()].map((key) => (key.includes('.') ? key : `${packRef}.${key}`));
        const close = suggest(ref, names);
        throw new HarmoniaError(
          'ACTION_NOT_FOUND',
          `unknown action '${ref}'; ${close ? `did you mean '${close}'?` : `pack '${packRef}' has no action '${name}'`}`,
          { details: { action: ref } },
        );
      }
      return buildPackAction(ref, def, pack.dir);
    },
  };
}
