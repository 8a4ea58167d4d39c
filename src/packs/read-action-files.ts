import { createHash } from 'node:crypto';
import { open, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { HarmoniaError } from '../core/errors.js';
import type { ActionDef } from '../core/model.js';
import type { NewDefinitionFile } from '../store/store.js';

/** @default 1 MiB, the loader's max_file_size */
const DEFAULT_MAX_BYTES = 1024 * 1024;

/**
 * The files a pack action runs, read from its pack so they can be registered with its
 * version: the `entry_point` script of a shell or node action (none for other runners).
 * Thrown when the script cannot be read, leaves the pack, or is larger than `maxBytes`
 * (PACK_INVALID): a version is never registered without the code it would run.
 */
export async function readActionFiles(packDir: string, def: ActionDef, maxBytes = DEFAULT_MAX_BYTES): Promise<NewDefinitionFile[]> {
  if ((def.runner !== 'shell' && def.runner !== 'node') || def.entry_point === undefined || def.entry_point === '') return [];
  const what = `entry_point '${def.entry_point}'`;
  let realPack: string;
  let real: string;
  try {
    realPack = await realpath(packDir);
    real = await realpath(resolve(realPack, 'actions', def.entry_point));
  } catch (error) {
    throw new HarmoniaError('PACK_INVALID', `cannot read ${what} under actions/: ${(error as Error).message}`, { cause: error });
  }
  const rel = relative(realPack, real);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new HarmoniaError('PACK_INVALID', `${what} leaves the pack directory`);
  const handle = await open(real, 'r');
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new HarmoniaError('PACK_INVALID', `${what} is not a file`);
    if (info.size > maxBytes) throw new HarmoniaError('PACK_INVALID', `${what} is ${info.size} bytes; at most ${maxBytes} (max_file_size) are registered`);
    const content = new Uint8Array(await handle.readFile());
    return [{ path: `actions/${def.entry_point}`.replace(/\\/g, '/'), sha256: createHash('sha256').update(content).digest('hex'), content }];
  } finally {
    await handle.close();
  }
}
