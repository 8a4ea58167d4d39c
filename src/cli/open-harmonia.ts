/**
 * Where a command runs: the application layer in this process over the configured store,
 * or a server through the typed client when the user names one (--url, HARMONIA_URL,
 * .env.harmonia). Both are a HarmoniaApi, so a command has one implementation and one
 * renderer, and `--url` changes where it runs, never what it prints.
 */
import { resolve } from 'node:path';
import type { HarmoniaApi } from '../core/harmonia-api.js';
import type { SecretMasker } from '../core/secret-masker.js';
import type { HarmoniaDeps } from '../app/create-harmonia.js';
import { HarmoniaError } from '../core/errors.js';
import type { Engine } from '../engine/engine-api.js';
import type { CliContext } from './cli-context.js';
import { clientFor, explicitRemoteTarget, type RemoteFlags } from './commands/remote-client.js';
import { openStore } from './open-store.js';
import { failureOf, reportFailure } from './output/report-failure.js';

/** An API for one command, and what to release after it. */
export interface OpenedHarmonia {
  api: HarmoniaApi;
  /** Where it runs: `local` (this process) or the server's URL. */
  where: 'local' | string;
  /** Hides known secrets in a failure's message and details, as the server does in its error answers. */
  mask<T>(value: T): T;
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
export async function openHarmonia(ctx: CliContext, flags: RemoteFlags): Promise<OpenedHarmonia> {
  const target = explicitRemoteTarget(ctx, flags);
  if (target) return { api: clientFor(target), where: target.url, mask: (value) => value, close: async () => undefined };
  const config = ctx.config();
  const store = await openStore(config, ctx.cwd);
  try {
    const [{ createHarmonia }, { createSecretMasker }, { configSecretValues, engineConfigOf }] = await Promise.all([
      import('../app/create-harmonia.js'),
      import('../core/secret-masker.js'),
      import('../config.js'),
    ]);
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
      readEvents: async (id, afterSeq, limit) => (await engine()).readEvents(id, afterSeq, limit),
      readLogs: async (id, query) => (await engine()).readLogs(id, query),
      loadState: async (id) => (await engine()).loadState(id),
      // Started here, an execution would wait for an engine that never runs it.
      startExecution: refuse,
    };
    return {
      api: maskedApi(createHarmonia({ store, engine: reader }), secrets),
      where: 'local',
      mask: (value) => secrets.maskValue(value),
      close: () => store.close(),
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * Runs a command's body against the API (see openHarmonia) and sets the exit code: the
 * body's (0 when it returns nothing), or the failure's from the one exit-code table.
 * Errors that are not the application's (bugs) go on to main's internal-error report.
 */
export async function runWithHarmonia(
  ctx: CliContext,
  flags: RemoteFlags,
  body: (api: HarmoniaApi) => Promise<number | void>,
): Promise<void> {
  let opened: OpenedHarmonia | undefined;
  try {
    opened = await openHarmonia(ctx, flags);
    ctx.exitCode = (await body(opened.api)) ?? 0;
  } catch (error) {
    const failure = failureOf(error);
    if (failure === null) throw error;
    ctx.exitCode = reportFailure(ctx, opened ? opened.mask(failure) : failure, flags.json === true);
  } finally {
    await opened?.close();
  }
}
