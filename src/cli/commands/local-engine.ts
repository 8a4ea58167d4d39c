import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { actionOptionsOf, configSecretValues, engineConfigOf, llmConfigOf, type ResolvedConfig } from '../../config.js';
import type { Engine } from '../../engine/engine-api.js';
import type { Store } from '../../store/store.js';
import type { CliContext } from '../cli-context.js';

/**
 * The engine a command runs in this process on the embedded store (`harmonia run`,
 * `harmonia execution <verb> --local`): pack actions pinned per execution and run from
 * `<data dir>/action-cache`, the settings of `config`. Imported on demand: the engine
 * and the action registry load only when such a command runs.
 */
export async function createLocalEngine(ctx: CliContext, config: ResolvedConfig, store: Store): Promise<Engine> {
  const { createActionRegistry } = await import('../../actions/action-registry.js');
  const { ACTION_CACHE_DIR } = await import('../../actions/action-file-cache.js');
  const { resolveContainment } = await import('../../actions/containment.js');
  const { createEngine } = await import('../../engine/engine.js');
  const { chatClientFromSettings } = await import('../../llm/chat-client.js');
  const { createSecretMasker } = await import('../../core/secret-masker.js');
  const packsDir = resolve(ctx.cwd, config.packs_dir);
  const llm = chatClientFromSettings(llmConfigOf(config, (file) => readFileSync(resolve(ctx.cwd, file), 'utf8')));
  const actions = createActionRegistry({
    pinned: { store, packs_dir: packsDir, cache_dir: resolve(ctx.cwd, config.data_dir, ACTION_CACHE_DIR) },
    components: store.components,
    parent_env: ctx.env,
    containment: resolveContainment(config.task_containment),
    llm,
    ...actionOptionsOf(config),
  });
  return createEngine({
    store,
    actions,
    env: ctx.env,
    secrets: createSecretMasker(configSecretValues(config)),
    config: engineConfigOf(config, packsDir),
  });
}
