import { builtin } from './builtin.js';
import type { CliContextOptions } from './cli-context.js';
import { loadCodeCachedScript, type CodeCachedScript } from './code-cached-script.js';

/** What dist/bundle/validate.cjs exports (src/cli/validate-main.ts). */
export interface ValidateBundle {
  validateMain(args: readonly string[], options?: CliContextOptions): Promise<number>;
}

const { fileURLToPath } = builtin('node:url');

/** The bundle and its code cache; `npm run build` writes both (scripts/build-validate-bundle.mjs). */
export const VALIDATE_BUNDLE_FILE = fileURLToPath(new URL('../bundle/validate.cjs', import.meta.url));
export const VALIDATE_CACHE_FILE = fileURLToPath(new URL('../bundle/validate.cache', import.meta.url));

/**
 * Loads the validate bundle with its code cache, or returns undefined when it was not
 * built (a build without the bundle step): the caller then runs the modules as they are.
 */
export function loadValidateBundle(): (CodeCachedScript & { readonly exports: ValidateBundle }) | undefined {
  try {
    return loadCodeCachedScript(VALIDATE_BUNDLE_FILE, VALIDATE_CACHE_FILE) as CodeCachedScript & { readonly exports: ValidateBundle };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (error as NodeJS.ErrnoException).path === VALIDATE_BUNDLE_FILE) return undefined;
    throw error;
  }
}
