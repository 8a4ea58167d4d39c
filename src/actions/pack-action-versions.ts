/**
 * Pack actions read through the store and pinned per execution. An execution records the
 * version of every pack action its workflow names when it starts (`action_versions` in its
 * `workflow_started` event) and runs those versions' registered files for its whole life,
 * whatever is synced or edited meanwhile; a new execution pins whatever is active then.
 * Nothing is cached that can go stale: versions and files are immutable, and the active
 * version is read from the store at each start, so actions synced by another process (the
 * CLI, another node) are seen at once.
 */
import { resolve } from 'node:path';
import { isHarmoniaError } from '../core/errors.js';
import type { ActionDef, DefinitionRecord, TaskResult, WorkflowDef } from '../core/model.js';
import type { DefinitionFile, Store } from '../store/store.js';
import type { ActionContext, ActionHandler } from './action.js';
import type { ActionFileCache } from './action-file-cache.js';
import { errorResult } from './task-result.js';

/** The workflow_started data key holding an execution's pinned action versions (ref → version id). */
export const ACTION_VERSIONS_KEY = 'action_versions';

/** Builds the handler of one version of a pack action; `entry_path` is its materialised script. */
export type BuildPackHandler = (ref: string, def: ActionDef, packDir: string, entryPath: string | undefined) => ActionHandler;

export interface PackActionVersionsOptions {
  store: Pick<Store, 'registry' | 'executions'>;
  /** Absolute packs folder: a pack's scripts run with `<packs_dir>/<pack>` as their cwd. */
  packs_dir: string;
  cache: ActionFileCache;
  build: BuildPackHandler;
  /** Entries kept in each in-memory map (versions by id, pins by execution). @default 1000 */
  max_entries?: number;
}

/** Pack actions by version, pinned per execution. */
export interface PackActionVersions {
  /** The active version id of every pack action the workflow names: what the execution starting now pins. */
  pin(workflow: WorkflowDef, executionId: string): Promise<Record<string, string>>;
  /** Loads an execution's pins (its workflow_started `action_versions`) and their versions, before it is carried on. */
  warm(executionId: string, pins: unknown): Promise<void>;
  /**
   * A handler that runs the execution's pinned version of `ref` (the active one when it
   * pinned none). Its `timeout_ms` is that version's when the execution's pins are loaded
   * (pin or warm), else the latest version this process has seen.
   */
  handlerFor(ref: string, executionId?: string): ActionHandler;
}

/** A bounded map whose least recently used entries go first. */
function lruMap<V>(max: number) {
  const map = new Map<string, V>();
  return {
    get(key: string): V | undefined {
      const value = map.get(key);
      if (value !== undefined) {
        map.delete(key);
        map.set(key, value);
      }
      return value;
    },
    set(key: string, value: V): void {
      map.delete(key);
      map.set(key, value);
      for (const oldest of map.keys()) {
        if (map.size <= max) break;
        map.delete(oldest);
      }
    },
  };
}

function isPackAction(ref: string): boolean {
  const dot = ref.indexOf('.');
  return dot > 0 && ref.slice(0, dot) !== 'core';
}

/** Creates the pinned, read-through source of pack actions. */
export function createPackActionVersions(options: PackActionVersionsOptions): PackActionVersions {
  const { store, cache } = options;
  const max = options.max_entries ?? 1000;
  const versions = lruMap<DefinitionRecord<ActionDef>>(max);
  // The same versions by `<ref> <version>`: a start then reads only each action's head row
  // (kept per connection on SQLite), not its whole definition.
  const byVersion = lruMap<DefinitionRecord<ActionDef>>(max);
  const pins = lruMap<Readonly<Record<string, string>>>(max);
  // A version's file list never changes: read once per version, not once per task.
  const fileLists = lruMap<DefinitionFile[]>(max);
  // The latest definition seen per ref: only for the handler's synchronous timeout_ms.
  const latest = new Map<string, ActionDef>();

  async function byId(id: string): Promise<DefinitionRecord<ActionDef> | null> {
    const cached = versions.get(id);
    if (cached) return cached;
    const record = await store.registry.getById(id);
    if (!record || record.kind !== 'action') return null;
    versions.set(id, record as DefinitionRecord<ActionDef>);
    return record as DefinitionRecord<ActionDef>;
  }

  function pinsFrom(recorded: unknown): Record<string, string> {
    if (typeof recorded !== 'object' || recorded === null || Array.isArray(recorded)) return {};
    return Object.fromEntries(Object.entries(recorded).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }

  async function pinsOf(executionId: string): Promise<Readonly<Record<string, string>>> {
    const cached = pins.get(executionId);
    if (cached) return cached;
    const [first] = await store.executions.readEvents(executionId, 0, 1);
    const found = pinsFrom(first?.event_type === 'workflow_started' ? first.data[ACTION_VERSIONS_KEY] : undefined);
    // Only a started execution's pins are final; one not started yet is asked again.
    if (first) pins.set(executionId, found);
    return found;
  }

  /** The cached definition an execution runs for `ref`, when known without a read. */
  function knownDef(ref: string, executionId: string | undefined): ActionDef | undefined {
    const id = executionId === undefined ? undefined : pins.get(executionId)?.[ref];
    return (id === undefined ? undefined : versions.get(id)?.body) ?? latest.get(ref);
  }

  /** The version an execution runs, or why there is none. */
  async function versionFor(executionId: string, ref: string): Promise<DefinitionRecord<ActionDef> | string> {
    const pinned = (await pinsOf(executionId))[ref];
    if (pinned !== undefined) {
      return (await byId(pinned)) ?? `the version of action '${ref}' this execution pinned (${pinned}) was purged from the registry`;
    }
    const active = await store.registry.getActive('action', ref);
    if (!active) return `unknown action '${ref}'; it is not registered (run harmonia sync)`;
    versions.set(active.id, active as DefinitionRecord<ActionDef>);
    return active as DefinitionRecord<ActionDef>;
  }

  async function entryPath(record: DefinitionRecord<ActionDef>): Promise<string | undefined> {
    const entry = record.body.entry_point;
    if (entry === undefined) return undefined;
    let files = fileLists.get(record.id);
    if (!files) {
      files = await store.registry.listFiles(record.id);
      fileLists.set(record.id, files);
    }
    const file = files.find((f) => f.path === `actions/${entry}`.replace(/\\/g, '/'));
    // Versions registered before files were pinned run the pack folder's script, as they always did.
    return file ? cache.pathOf(file, (sha) => store.registry.readFile(sha)) : undefined;
  }

  return {
    async pin(workflow, executionId) {
      const refs = new Set(workflow.tasks.filter((t) => t.component === undefined && isPackAction(t.action)).map((t) => t.action));
      const pinned: Record<string, string> = {};
      for (const ref of [...refs].sort()) {
        const head = await store.registry.getHead('action', ref);
        if (!head || head.deleted_at !== null) continue;
        const key = `${ref} ${head.active_version}`;
        let active = byVersion.get(key);
        if (!active) {
          const record = await store.registry.getVersion('action', ref, head.active_version);
          // Purged since the head was read: as getActive would have found none.
          if (!record) continue;
          active = record as DefinitionRecord<ActionDef>;
          byVersion.set(key, active);
        }
        pinned[ref] = active.id;
        versions.set(active.id, active);
        latest.set(ref, active.body);
      }
      pins.set(executionId, pinned);
      return pinned;
    },
    async warm(executionId, recorded) {
      const found = pinsFrom(recorded);
      pins.set(executionId, found);
      // Only a warm-up: a version that cannot be read now is read again when its task runs.
      for (const id of Object.values(found)) await byId(id).catch(() => null);
    },
    handlerFor(ref, executionId) {
      return {
        get timeout_ms() {
          return knownDef(ref, executionId)?.timeout_ms;
        },
        async run(input: Record<string, unknown>, ctx: ActionContext): Promise<TaskResult> {
          let record: DefinitionRecord<ActionDef>;
          let path: string | undefined;
          try {
            const found = await versionFor(ctx.execution_id, ref);
            if (typeof found === 'string') return errorResult('ACTION_NOT_FOUND', found, false);
            record = found;
            path = await entryPath(record);
          } catch (error) {
            // A store that cannot be read now may answer on the next attempt; a registered file that is missing or corrupt will not.
            return errorResult('ACTION_FAILED', `action '${ref}': ${(error as Error).message}`, !isHarmoniaError(error));
          }
          const handler = options.build(ref, record.body, resolve(options.packs_dir, record.pack_ref), path);
          return handler.run(input, ctx);
        },
      };
    },
  };
}
