import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codeCacheStamp, loadCodeCachedScript } from '../../../src/cli/code-cached-script.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'harmonia-code-cache-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function writeScript(body: string, id: string | null): string {
  const file = join(dir, 'script.cjs');
  writeFileSync(file, `${body}\n${id === null ? '' : codeCacheStamp(id)}`);
  return file;
}

describe('loadCodeCachedScript()', () => {
  it('runs the script as CommonJS with require, module and its file name', () => {
    const file = writeScript("module.exports = { base: require('node:path').basename(__filename), dir: __dirname };", 'a1b2c3d4e5f60718');
    const script = loadCodeCachedScript(file, join(dir, 'script.cache'));
    expect(script.exports).toEqual({ base: 'script.cjs', dir });
    expect(script.cacheUsed).toBe(false);
  });

  it('uses the cache it wrote for the same script', () => {
    const file = writeScript('module.exports = [1, 2, 3].map((n) => n * 2);', 'a1b2c3d4e5f60718');
    loadCodeCachedScript(file, join(dir, 'script.cache')).writeCache();
    const again = loadCodeCachedScript(file, join(dir, 'script.cache'));
    expect(again.cacheUsed).toBe(true);
    expect(again.exports).toEqual([2, 4, 6]);
  });

  it("ignores another script's cache even when the two are the same length", () => {
    const cache = join(dir, 'script.cache');
    loadCodeCachedScript(writeScript('module.exports = "old";', '1111111111111111'), cache).writeCache();
    const script = loadCodeCachedScript(writeScript('module.exports = "new";', '2222222222222222'), cache);
    expect(script.cacheUsed).toBe(false);
    expect(script.exports).toBe('new');
  });

  it('runs a script without a stamp from source and refuses to write a cache for it', () => {
    const file = writeScript('module.exports = "\\u2714 plain";', null);
    const script = loadCodeCachedScript(file, join(dir, 'script.cache'));
    expect(script.exports).toBe('\u2714 plain');
    expect(() => script.writeCache()).toThrow(/no codeCacheId stamp/);
  });

  it('decodes a script with UTF-8 characters', () => {
    const file = writeScript('module.exports = "✔ valid";', 'a1b2c3d4e5f60718');
    expect(loadCodeCachedScript(file, join(dir, 'script.cache')).exports).toBe('✔ valid');
  });
});
