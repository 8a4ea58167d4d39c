/**
 * Node's built-in modules for the bin entry's first modules, without ES module imports.
 * An `import ... from 'node:fs'` makes the ESM loader build a module of fs's exports
 * before anything runs; `harmonia validate` starts from here and pays that on every
 * run, so these modules take built-ins with process.getBuiltinModule() (Node 20.16+),
 * or, on older Node 20, with a require() of their own.
 */
type GetBuiltin = NodeJS.Process['getBuiltinModule'];

const fromProcess = (process as { getBuiltinModule?: GetBuiltin }).getBuiltinModule?.bind(process);

export const builtin: GetBuiltin = fromProcess ?? ((await import('node:module')).createRequire(import.meta.url) as GetBuiltin);

/** The built-in a require() id (`url`, `node:url`) names, or undefined when it names none. */
export function builtinOrUndefined(id: string): unknown {
  if (fromProcess !== undefined) return fromProcess(id);
  return builtin('node:module').isBuiltin(id) ? builtin(id) : undefined;
}
