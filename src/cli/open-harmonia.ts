/**
 * Where a command runs: the application layer in this process over the configured store,
 * or a server through the typed client when the user names one (--url, HARMONIA_URL,
 * .env.harmonia). Both are a HarmoniaApi, so a command has one implementation and one
 * renderer, and `--url` changes where it runs, never what it prints.
 */
import { basename, resolve } from 'node:path';
import type { HarmoniaApi } from '../core/harmonia-api.js';
import type { ExecutionDetail } from '../core/wire.js';
import type { SecretMasker } from '../core/secret-masker.js';
import type { createHarmonia as CreateHarmonia, HarmoniaDeps } from '../app/create-harmonia.js';
import type { WriteSettings } from '../app/write-settings.js';
import type { ResolvedConfig } from '../config.js';
import type { PackSyncService } from '../packs/sync-packs.js';
import type { Store } from '../store/store.js';
import { HarmoniaError, isHarmoniaError } from '../core/errors.js';
import type { Engine } from '../engine/engine-api.js';
import type { CliContext } from './cli-context.js';
import type { HarmoniaClient } from '../client/client.js';
import { clientFor, explicitRemoteTarget, type RemoteFlags } from './commands/remote-client.js';
import { openStore } from './open-store.js';
import { failureOf, reportFailure } from './output/report-failure.js';

/**
 * What a command may do to executions: `read` (an engine never started: starts and controls
 * are refused) or `run` (an engine in this process, holding the SQLite engine lock, that
 * carries every execution the command starts to its end before the command exits).
 */
export type EngineUse = 'read' | 'run';

/** An API for one command, and what to release after it. */
export interface OpenedHarmonia {
  api: HarmoniaApi;
  /** Where it runs: `local` (this process) or the server's URL. */
  where: 'local' | string;
  /** The client when it runs on a server (for what only a server streams: progress bars). */
  client: HarmoniaClient | null;
  /** Resolves with the execution once it has finished, as getWorkflowStatus answers it. */
  waitForCompletion(executionId: string): Promise<ExecutionDetail>;
  /** Hides known secrets in a failure's message and details, as the server does in its error answers. */
  mask<T>(value: T): T;
  /** The seq of the execution's last stored log line, where the store is read here (a local follower reads up to it). */
  lastLogSeq?(executionId: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Every answer of `api` with the values `masker` knows hidden, as the server's responses
 * are: the same secrets are masked whichever side answers.
 */
function maskedApi(api: HarmoniaApi, masker: SecretMasker): HarmoniaApi {
  const wrapped: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(api) as Array<[string, (...args: unknown[]) => Promise<unknown>]>) {
    wrapped[name] = async (...args: unknown[]) => masker.maskValue(await method(...args));
  }
  return wrapped as unknown as HarmoniaApi;
}

/**
 * The API for a command: the client when a server is named, else createHarmonia() over the
 * store with an engine that is never started (reads only: a server may hold the engine
 * lock of the same data directory meanwhile). Imported on demand, so `validate` never
 * loads the store or the engine.
 */
export async function openHarmonia(ctx: CliContext, flags: RemoteFlags, use: EngineUse = 'read'): Promise<OpenedHarmonia> {
  const target = explicitRemoteTarget(ctx, flags);
  if (target) {
    const client = clientFor(target);
    return { api: client, where: target.url, client, waitForCompletion: (id) => client.waitForCompletion(id), mask: (value) => value, close: async () => undefined };
  }
  const config = ctx.config();
  if (use === 'run' && config.store.kind === 'postgres') {
    throw new HarmoniaError('USAGE_INVALID', 'executions on PostgreSQL are started and driven by the server nodes; name one with --url');
  }
  const store = await openStore(config, ctx.cwd);
  try {
    const [{ createHarmonia }, { createSecretMasker }, { configSecretValues, engineConfigOf }, { createPackSyncService }] = await Promise.all([
      import('../app/create-harmonia.js'),
      import('../core/secret-masker.js'),
      import('../config.js'),
      import('../packs/sync-packs.js'),
    ]);
    const packsDir = resolve(ctx.cwd, config.packs_dir);
    // Diagnostics name files from the packs folder's name down, as `harmonia serve` answers them.
    const packs = createPackSyncService({
      store,
      packsDir,
      displayDir: basename(packsDir),
      defaults: { max_file_size: config.max_file_size, max_task_count: config.max_task_count, max_workflow_size: config.max_workflow_size },
    });
    const settings = { api_pack: 'api', max_workflow_size: config.max_workflow_size, max_task_count: config.max_task_count };
    if (use === 'run') return await openRunning(ctx, config, store, { packs, settings, createHarmonia });
    const secrets = createSecretMasker(configSecretValues(config));
    // The engine is loaded only by the reads that fold an execution's events (status);
    // never started, it runs no task and takes no engine lock.
    let loaded: Promise<Engine> | undefined;
    const engine = (): Promise<Engine> =>
      (loaded ??= import('../engine/engine.js').then(({ createEngine }) =>
        createEngine({
          store,
          actions: {
            resolve: () => {
              throw new Error('a read-only engine runs no actions');
            },
          },
          secrets,
          config: engineConfigOf(config, resolve(ctx.cwd, config.packs_dir)),
        }),
      ));
    // Controls and starts change executions: only the engine that drives them may apply them
    // (a server with --url, or `--local`, which takes the engine lock and carries them on).
    const refuse = async (): Promise<never> => {
      throw new HarmoniaError('USAGE_INVALID', 'this command changes executions, which only the engine that runs them may do: name the server with --url (or use --local where the command has it)');
    };
    const reader: HarmoniaDeps['engine'] = {
      getStatus: async (id) => (await engine()).getStatus(id),
      getSummary: async (id) => (await engine()).getSummary(id),
      getMetrics: async (id) => (await engine()).getMetrics(id),
      pause: refuse,
      resume: refuse,
      cancel: refuse,
      terminate: refuse,
      retry: refuse,
      rerunFrom: refuse,
      skipTask: refuse,
      getDetail: async (id) => (await engine()).getDetail(id),
      getExecution: async (id) => (await engine()).getExecution(id),
      readLogs: async (id, query) => (await engine()).readLogs(id, query),
      loadState: async (id) => (await engine()).loadState(id),
      // Started here, an execution would wait for an engine that never runs it.
      startExecution: refuse,
      readEvents: async (id, afterSeq, limit) => (await engine()).readEvents(id, afterSeq, limit),
      // A purge deletes rows, not history an engine extends: it runs on the store here, and
      // only this process's read-only engine, when one was loaded, has states to drop.
      forget: (ids) => void loaded?.then((loadedEngine) => loadedEngine.forget(ids)),
    };
    const api = maskedApi(createHarmonia({ store, engine: reader, packs, settings }), secrets);
    return {
      api,
      where: 'local',
      client: null,
      // Nothing runs executions here: one already finished is all there is to wait for.
      waitForCompletion: (id) => api.getWorkflowStatus(id),
      mask: (value) => secrets.maskValue(value),
      lastLogSeq: (id) => store.executions.lastLogSeq(id),
      close: () => store.close(),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * The API over an engine that runs in this process (`use: 'run'`): it takes the SQLite
 * engine lock (STORE_LOCKED while a server or a run holds the data directory), runs no
 * recovery of others' executions, and on close carries the executions the command started
 * to their end, then stops.
 */
async function openRunning(
  ctx: CliContext,
  config: ResolvedConfig,
  store: Store,
  parts: { packs: PackSyncService; settings: WriteSettings; createHarmonia: typeof CreateHarmonia },
): Promise<OpenedHarmonia> {
  try {
    store.claimEngine?.({ pid: process.pid, command: 'harmonia (local engine)' });
  } catch (error) {
    // Most often a server holds the data directory: the command can run there instead.
    if (!isHarmoniaError(error) || error.code !== 'STORE_LOCKED') throw error;
    throw new HarmoniaError('STORE_LOCKED', `${error.message}; to run this command on that server, name it with --url (or HARMONIA_URL)`, { details: error.details, cause: error });
  }
  const { createLocalEngine } = await import('./commands/local-engine.js');
  const engine = await createLocalEngine(ctx, config, store);
  const started: string[] = [];
  const starting: HarmoniaDeps['engine'] = {
    ...engine,
    startExecution: async (options) => {
      const record = await engine.startExecution(options);
      started.push(record.id);
      return record;
    },
  };
  const api = maskedApi(parts.createHarmonia({ store, engine: starting, packs: parts.packs, settings: parts.settings }), engine.secrets);
  return {
    api,
    where: 'local',
    client: null,
    waitForCompletion: async (id) => {
      await engine.waitForCompletion(id);
      return api.getWorkflowStatus(id);
    },
    mask: (value) => engine.secrets.maskValue(value),
    close: async () => {
      try {
        for (const id of started) await engine.waitForCompletion(id);
      } finally {
        await engine.stop();
        await store.close();
      }
    },
  };
}

/**
 * Runs a command's body against the API (see openHarmonia) and sets the exit code: the
 * body's (0 when it returns nothing), or the failure's from the one exit-code table.
 * Errors that are not the application's (bugs) go on to main's internal-error report.
 */
export async function runWithHarmonia(
  ctx: CliContext,
  flags: RemoteFlags,
  body: (api: HarmoniaApi, opened: OpenedHarmonia) => Promise<number | void>,
  use: EngineUse = 'read',
): Promise<void> {
  let opened: OpenedHarmonia | undefined;
  try {
    opened = await openHarmonia(ctx, flags, use);
    ctx.exitCode = (await body(opened.api, opened)) ?? 0;
  } catch (error) {
    const failure = failureOf(error);
    if (failure === null) throw error;
    ctx.exitCode = reportFailure(ctx, opened ? opened.mask(failure) : failure, flags.json === true);
  } finally {
    await opened?.close();
  }
}
