/**
 * What `import ... from 'harmonia'` gives an embedder: the built package entry
 * (package.json "exports" → dist/index.js) must expose the documented factories.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the package entry', () => {
  it('points package.json exports at the built index with its types', () => {
    const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
  });

  it('exports the client, server, engine, store and pipeline factories', async () => {
    const entry = (await import(`${ROOT}dist/index.js`)) as Record<string, unknown>;
    for (const name of [
      'createClient',
      'NotFoundError',
      'ValidationError',
      'serveHarmonia',
      'startServer',
      'createApp',
      'createEngine',
      'createStore',
      'createSqliteStore',
      'runPipeline',
      'createPackSyncService',
      'resolveConfig',
      'instantiateTemplate',
      'HarmoniaError',
    ]) {
      expect(typeof entry[name], name).toBe('function');
    }
  });
});
