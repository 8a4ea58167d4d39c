import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * The exports of schemas/validators.cjs (the schemas compiled by `npm run build`).
 * Thrown when the file is missing. The validate bundle holds the file inline instead
 * (scripts/build-validate-bundle.mjs swaps this module), so its code is in the bundle's
 * code cache rather than compiled on every run.
 */
export function requirePrecompiledValidators(): Record<string, unknown> {
  return createRequire(import.meta.url)(fileURLToPath(new URL('../../schemas/validators.cjs', import.meta.url))) as Record<string, unknown>;
}
