import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createActionFileCache } from '../../../src/actions/action-file-cache.js';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const sha = (value: string): string => createHash('sha256').update(value).digest('hex');

describe('createActionFileCache()', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'harmonia-action-cache-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a file once under its sha256, keeping its name, read-only and executable', async () => {
    const cache = createActionFileCache(dir);
    let reads = 0;
    const read = async () => {
      reads += 1;
      return text('echo hi\n');
    };
    const file = { path: 'actions/build.mjs', sha256: sha('echo hi\n'), size: 8 };
    const [a, b] = await Promise.all([cache.pathOf(file, read), cache.pathOf(file, read)]);
    const again = await createActionFileCache(dir).pathOf(file, read);
    expect(a).toBe(join(dir, file.sha256.slice(0, 2), file.sha256, 'build.mjs'));
    expect([b, again]).toEqual([a, a]);
    expect(reads).toBe(1);
    expect(readFileSync(a, 'utf8')).toBe('echo hi\n');
    expect(statSync(a).mode & 0o777).toBe(0o555);
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
  });

  it('refuses content that does not hash to the registered sha256, writing nothing', async () => {
    const cache = createActionFileCache(dir);
    const file = { path: 'actions/x.sh', sha256: sha('the real script'), size: 15 };
    await expect(cache.pathOf(file, async () => text('something else'))).rejects.toMatchObject({ code: 'ACTION_FAILED', message: expect.stringContaining('hashes to') });
    expect(readdirSync(dir).filter((name) => name !== 'tmp')).toEqual([]);
  });

  it('fails with ACTION_FAILED when the store has no content for the file', async () => {
    const cache = createActionFileCache(dir);
    await expect(cache.pathOf({ path: 'actions/x.sh', sha256: sha('gone'), size: 4 }, async () => null)).rejects.toMatchObject({
      code: 'ACTION_FAILED',
      message: expect.stringContaining('missing from the store'),
    });
  });

  it('refuses a sha256 that is not 64 hex digits (it names a path)', async () => {
    const cache = createActionFileCache(dir);
    await expect(cache.pathOf({ path: 'actions/x.sh', sha256: '../../etc', size: 1 }, async () => text('x'))).rejects.toMatchObject({ code: 'ACTION_FAILED' });
  });
});
