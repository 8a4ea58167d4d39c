import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The package version from package.json (dist/ and src/ both sit one level under the root). */
export function readVersion(): string {
  if (cached === undefined) {
    try {
      const url = new URL('../../package.json', import.meta.url);
      const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: unknown };
      cached = typeof pkg.version === 'string' ? pkg.version : '0.0.0';
    } catch {
      cached = '0.0.0';
    }
  }
  return cached;
}
