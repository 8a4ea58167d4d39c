/**
 * Serves the web console (built by Vite into dist/console) at /ui/ on the API's port,
 * and redirects / there. Every file is read once at start-up into memory (the bundle is a
 * few hundred KB), gzipped once, and served from that table: no path from a request ever
 * reaches the file system, so there is nothing to traverse. Any other /ui/... path answers
 * index.html, so a deep link to a page, task or attempt opens the app, which routes it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Context, Next } from 'koa';

/** The URL prefix the console lives under. */
export const CONSOLE_PREFIX = '/ui/';

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer | null;
  etag: string;
  /** Hashed file names under assets/ never change; index.html must be revalidated. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

// The console loads nothing from elsewhere (no CDN); styles set through the DOM need 'unsafe-inline'.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * The built console next to this module: dist/console when running from dist, or the
 * package's dist/console when running from src (tests). Null when it was not built.
 */
export function findConsoleDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    for (const candidate of [join(dir, 'console'), join(dir, 'dist', 'console')]) {
      // the source folder console/ has an index.html too; only a build has assets/
      if (existsSync(join(candidate, 'index.html')) && existsSync(join(candidate, 'assets'))) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function readAssets(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const rel = relative(root, path).split(sep).join('/');
      const type = TYPES[extname(name)] ?? 'application/octet-stream';
      const body = readFileSync(path);
      const compressible = /^(text\/|image\/svg|application\/json)/.test(type) && body.length > 1024;
      assets.set(rel, {
        type,
        body,
        gzip: compressible ? gzipSync(body) : null,
        etag: `"${body.length.toString(16)}-${statSync(path).mtimeMs.toString(16)}"`,
        immutable: rel.startsWith('assets/'),
      });
    }
  };
  walk(root);
  return assets;
}

/**
 * Koa middleware for / and /ui/...; everything else passes through. With `dir` null (the
 * console was not built) /ui/ answers 404 with how to build it.
 */
export function consoleMiddleware(dir: string | null): (ctx: Context, next: Next) => Promise<void> {
  const assets = dir === null ? new Map<string, Asset>() : readAssets(dir);
  const index = assets.get('index.html');
  return async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (ctx.path === '/' || ctx.path === '/ui') {
      ctx.state.route = ctx.path;
      ctx.redirect(CONSOLE_PREFIX);
      return;
    }
    if (!ctx.path.startsWith(CONSOLE_PREFIX)) return next();
    // one label for every console path, so the request metrics keep few series
    ctx.state.route = '/ui/*';
    if (index === undefined) {
      ctx.status = 404;
      ctx.type = 'text/plain';
      ctx.body = 'the web console is not built; run `npm run build` (it writes dist/console)\n';
      return;
    }
    const rel = ctx.path.slice(CONSOLE_PREFIX.length);
    const file = assets.get(rel);
    // A missing hashed asset is a stale page asking for an old build: a 404, not index.html.
    if (file === undefined && rel.startsWith('assets/')) {
      ctx.status = 404;
      ctx.type = 'text/plain';
      ctx.body = `no console asset '${rel}'; reload the page\n`;
      return;
    }
    send(ctx, file ?? index);
  };
}

function send(ctx: Context, asset: Asset): void {
  ctx.set('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Content-Security-Policy', CSP);
  ctx.set('ETag', asset.etag);
  ctx.set('Vary', 'Accept-Encoding');
  if (ctx.get('If-None-Match') === asset.etag) {
    ctx.status = 304;
    return;
  }
  ctx.type = asset.type;
  if (asset.gzip !== null && ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
    ctx.set('Content-Encoding', 'gzip');
    ctx.body = asset.gzip;
    return;
  }
  ctx.body = asset.body;
}
