/** Which file a diagnostic is about, kept apart from place-diagnostics.ts so pages can ask without loading a YAML parser. */
import type { Diagnostic } from '../../../src/core/diagnostic.js';

/** Whether a diagnostic's file is `<pack>/<file>` (the server prefixes the packs folder's name). */
export function isFileOf(d: Diagnostic, pack: string, file: string): boolean {
  const tail = `${pack}/${file}`;
  return d.file === tail || d.file.endsWith(`/${tail}`);
}
