/**
 * Whether the workflow about to run is what its file in the packs folder says. A pack
 * with one bad file registers none of its changes, so a run would quietly use the
 * previous version of every workflow of that pack; the run says so instead.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../store/store.js';
import { runPipeline } from './run-pipeline.js';

/** A one-paragraph note for the user when the active version is not the file on disk; null when it is. */
export async function staleDefinitionNote(store: Store, packsDir: string, workflowRef: string): Promise<string | null> {
  const record = await store.registry.getActive('workflow', workflowRef);
  if (!record || record.origin.source === 'api') return null;
  const packDir = path.join(packsDir, record.pack_ref);
  const file = path.join(packDir, record.file);
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === record.source) return null;
  const running = `running ${workflowRef} v${record.version}, registered ${record.created_at}`;
  if (text === null) return `${file} is gone from the packs folder; ${running}`;
  const result = await runPipeline([packDir]);
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const files = [...new Set(errors.map((d) => path.relative(packDir, d.file) || d.file))];
    return (
      `pack '${record.pack_ref}' has ${errors.length} error${errors.length === 1 ? '' : 's'} (in ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}), ` +
      `so its last sync registered none of its changes: ${running}, not the saved ${record.file}; see \`harmonia validate ${packDir}\``
    );
  }
  return `${record.file} changed since it was registered: ${running}; run \`harmonia sync\` to run the saved version`;
}
