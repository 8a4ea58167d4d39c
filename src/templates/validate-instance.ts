import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import type { WorkflowDef } from '../core/model.js';
import { validatePackDir } from '../packs/run-pipeline.js';
import { knownRefs } from '../registry/known-refs.js';
import type { StoreSession } from '../store/store.js';

// A scratch pack that may use every registered pack, so only the instance's own
// problems (graph, expressions, actions, inputs) are reported, not cross-pack bookkeeping.
const CHECK_PACK = 'template_instance';

/**
 * Runs an instantiated workflow body through the same pipeline as pack files, so a
 * parameter value that produces an invalid workflow (an unknown action, a broken
 * expression) is refused before it is registered. Returns its diagnostics; `file` is
 * `<templateRef> (instance)`.
 */
export async function validateInstance(session: StoreSession, templateRef: string, body: WorkflowDef): Promise<Diagnostic[]> {
  const known = await knownRefs(session);
  const root = await mkdtemp(join(tmpdir(), 'harmonia-instance-'));
  try {
    const dir = join(root, CHECK_PACK);
    await mkdir(join(dir, 'workflows'), { recursive: true });
    const manifest = { ref: CHECK_PACK, version: '1.0.0', dependencies: [...known.packs] };
    await writeFile(join(dir, 'pack.yaml'), `${JSON.stringify(manifest)}\n`);
    // JSON is YAML: the pipeline reads the body exactly as registered.
    const tasks = Object.fromEntries(body.tasks.map(({ id, ...task }) => [id, task]));
    await writeFile(join(dir, 'workflows', 'instance.yaml'), `${JSON.stringify({ ...body, tasks }, null, 2)}\n`);
    const pack = await validatePackDir(dir, { displayRoot: CHECK_PACK, known });
    return pack.files
      .flatMap((file) => file.diagnostics)
      .map((d) => ({ ...d, file: `${templateRef} (instance)` }));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
