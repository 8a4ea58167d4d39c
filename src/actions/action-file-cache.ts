import { createHash, randomUUID } from 'node:crypto';
import { chmod, link, mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HarmoniaError } from '../core/errors.js';
import type { DefinitionFile } from '../store/store.js';

/** Materialises registered action files as executable files under one cache directory. */
export interface ActionFileCache {
  /**
   * The path of a registered file in the cache, written there first when it is not yet:
   * `<dir>/<sha256 first two>/<sha256>/<file name>`. Thrown when the store has no content
   * for the sha256, or the content does not hash to it (ACTION_FAILED).
   */
  pathOf(file: DefinitionFile, read: (sha256: string) => Promise<Uint8Array | null>): Promise<string>;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** The cache's folder under the data dir. */
export const ACTION_CACHE_DIR = 'action-cache';

/**
 * Creates the content-addressed cache of action files (the data dir's `action-cache`).
 * A cached file is never rewritten: its path names its content, a new file appears by
 * an atomic hard link of a complete temporary file (a racing writer's link fails with
 * EEXIST and its copy is dropped), and it is left read-only and executable (0555).
 */
export function createActionFileCache(dir: string): ActionFileCache {
  const pending = new Map<string, Promise<string>>();

  async function exists(path: string): Promise<boolean> {
    try {
      return (await stat(path)).isFile();
    } catch {
      return false;
    }
  }

  async function write(file: DefinitionFile, target: string, read: (sha256: string) => Promise<Uint8Array | null>): Promise<string> {
    if (await exists(target)) return target;
    const content = await read(file.sha256);
    if (content === null) {
      throw new HarmoniaError('ACTION_FAILED', `the registered file '${file.path}' (sha256 ${file.sha256}) is missing from the store`);
    }
    const actual = createHash('sha256').update(content).digest('hex');
    if (actual !== file.sha256) {
      throw new HarmoniaError('ACTION_FAILED', `the stored content of '${file.path}' hashes to ${actual}, not ${file.sha256}`);
    }
    const tmpDir = join(dir, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    await mkdir(join(target, '..'), { recursive: true });
    const tmp = join(tmpDir, `${randomUUID()}.part`);
    await writeFile(tmp, content, { mode: 0o600 });
    try {
      await chmod(tmp, 0o555);
      await link(tmp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
    return target;
  }

  return {
    pathOf(file, read) {
      if (!SHA256.test(file.sha256)) {
        return Promise.reject(new HarmoniaError('ACTION_FAILED', `'${file.sha256}' is not a sha256 of '${file.path}'`));
      }
      // The file name keeps its extension (node tells .mjs from .cjs by it); the directory names the content.
      const name = basename(file.path);
      const safeName = name === '' || name === '.' || name === '..' ? 'script' : name;
      const target = join(dir, file.sha256.slice(0, 2), file.sha256, safeName);
      const key = `${file.sha256}/${safeName}`;
      let written = pending.get(key);
      if (!written) {
        written = write(file, target, read).finally(() => pending.delete(key));
        pending.set(key, written);
      }
      return written;
    },
  };
}
