import { builtin, builtinOrUndefined } from './builtin.js';

/**
 * A CommonJS script compiled with V8's code cache. Node 20 caches no module code
 * between runs (module.enableCompileCache() is Node 22), so a script run through
 * node:vm with the bytecode of an earlier run skips parsing and compiling, which is
 * about half of what `harmonia validate` costs above a bare `node` start.
 */
export interface CodeCachedScript {
  /** The script's module.exports. */
  readonly exports: unknown;
  /** Whether V8 used the cache file (false when it was missing, stale or refused). */
  readonly cacheUsed: boolean;
  /** Writes the cache file from what has been compiled so far (run the script first). */
  writeCache(): void;
}

const WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_END = '\n})';
// V8 checks only the source's length, its own version and its flags against a cache, so
// a rebuilt script of the same length would run with the old bytecode. The script ends
// with an id of its content (codeCacheStamp()), and the cache file starts with the id of
// the script it was made from; hashing the script on every start would cost more than
// the compile it saves.
const STAMP = /\/\/# codeCacheId=([0-9a-f]{16,64})\n$/;

/** The line a bundler appends to a script so its cache can be matched to it. */
export function codeCacheStamp(id: string): string {
  return `//# codeCacheId=${id}\n`;
}

/**
 * Loads and runs a CommonJS script (no import(): Node 20 has none in vm scripts),
 * with `cacheFile` as its code cache when it was made from the same script.
 * Thrown when the script is missing (ENOENT, for callers to fall back) or throws.
 */
export function loadCodeCachedScript(file: string, cacheFile: string): CodeCachedScript {
  const { readFileSync, writeFileSync } = builtin('node:fs');
  const bytes = readFileSync(file);
  const id = STAMP.exec(bytes.toString('latin1', Math.max(0, bytes.length - 100)))?.[1];
  const header = id === undefined ? undefined : Buffer.from(`${id}\n`, 'latin1');
  let cachedData: Buffer | undefined;
  if (header !== undefined) {
    try {
      const cache = readFileSync(cacheFile);
      if (cache.length > header.length && header.equals(cache.subarray(0, header.length))) cachedData = cache.subarray(header.length);
    } catch {
      // No cache yet: compile from source.
    }
  }
  // An all-ASCII script (the bundler escapes the rest) becomes a string without UTF-8 decoding.
  const text = builtin('node:buffer').isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const script = new (builtin('node:vm').Script)(WRAPPER_START + text + WRAPPER_END, { filename: file, cachedData });
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, scriptRequire(file), module, file, builtin('node:path').dirname(file));
  return {
    get exports() {
      return module.exports;
    },
    cacheUsed: cachedData !== undefined && !script.cachedDataRejected,
    writeCache() {
      if (header === undefined) throw new Error(`${file} has no codeCacheId stamp; its cache could not be matched to it`);
      writeFileSync(cacheFile, Buffer.concat([header, script.createCachedData()]));
    },
  };
}

/**
 * The script's require(): built-ins straight from Node (the bundle requires a few at its
 * top level), anything else through a CommonJS require() made for the script's file on
 * first need. Creating that require and resolving built-ins through it started the
 * CommonJS loader on every run.
 */
function scriptRequire(file: string): (id: string) => unknown {
  let fromFile: ((id: string) => unknown) | undefined;
  return (id) => builtinOrUndefined(id) ?? (fromFile ??= builtin('node:module').createRequire(file))(id);
}
