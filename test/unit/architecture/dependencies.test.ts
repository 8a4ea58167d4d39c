/**
 * The dependency rules of docs/architecture.md, checked over the source text:
 * which folder may import which, which file owns each third-party edge, who may
 * read the process environment, and no import cycles. A change that breaks one
 * fails here, with the offending file named.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

interface SourceImport {
  specifier: string;
  typeOnly: boolean;
}

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return listSources(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const FILES = listSources(SRC).map((file) => relative(SRC, file).split('\\').join('/'));
const TEXT = new Map(FILES.map((file) => [file, readFileSync(join(SRC, file), 'utf8')]));

/** Code without comments, so a TSDoc example that mentions process.env does not count. */
function code(file: string): string {
  return (TEXT.get(file) ?? '').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

function importsOf(file: string): SourceImport[] {
  const text = code(file);
  const found: SourceImport[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
    found.push({ specifier: match[3] ?? '', typeOnly: Boolean(match[2]) });
  }
  for (const match of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)|\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push({ specifier: match[1] ?? match[2] ?? '', typeOnly: false });
  }
  return found;
}

/** `src/`-relative target of a relative import, or null for a package. */
function target(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  return relative(SRC, resolve(SRC, dirname(file), specifier)).split('\\').join('/').replace(/\.js$/, '.ts');
}

const area = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : file.replace(/\.ts$/, ''));

describe('source dependencies', () => {
  it('keep core free of every other area', () => {
    const offenders = FILES.filter((f) => area(f) === 'core').flatMap((file) =>
      importsOf(file)
        .map((i) => target(file, i.specifier))
        .filter((t): t is string => t !== null && area(t) !== 'core')
        .map((t) => `${file} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('never import the server, the CLI or the client from the domain areas', () => {
    const domain = new Set(['core', 'expr', 'store', 'packs', 'registry', 'engine', 'actions', 'templates', 'components', 'gitops', 'cluster']);
    const offenders = FILES.filter((f) => domain.has(area(f))).flatMap((file) =>
      importsOf(file)
        .map((i) => target(file, i.specifier))
        .filter((t): t is string => t !== null && ['server', 'cli', 'client'].includes(area(t)))
        .map((t) => `${file} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('keep the application layer below the edges: app imports no server, CLI or client', () => {
    const offenders = FILES.filter((f) => area(f) === 'app').flatMap((file) =>
      importsOf(file)
        .map((i) => target(file, i.specifier))
        .filter((t): t is string => t !== null && ['server', 'cli', 'client'].includes(area(t)))
        .map((t) => `${file} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('let the client share wire types through core, never import the server', () => {
    const offenders = FILES.filter((f) => area(f) === 'client').flatMap((file) =>
      importsOf(file)
        .map((i) => target(file, i.specifier))
        .filter((t): t is string => t !== null && !['client', 'core'].includes(area(t)))
        .map((t) => `${file} → ${t}`),
    );
    expect(offenders).toEqual([]);
  });

  it('give each third-party library one owner', () => {
    const owners: Record<string, (file: string) => boolean> = {
      yaml: (f) => f === 'packs/parse-yaml-file.ts' || f === 'core/source.ts',
      ajv: (f) => f === 'packs/validate-schema.ts' || f === 'server/validate-request.ts',
      chokidar: (f) => f === 'packs/watch-packs.ts',
      'simple-git': (f) => f === 'packs/git-source.ts',
      koa: (f) => area(f) === 'server',
      ws: (f) => area(f) === 'server',
      pino: (f) => area(f) === 'server',
      'better-sqlite3': (f) => f.startsWith('store/sqlite/'),
      pg: (f) => f.startsWith('store/postgres/'),
      commander: (f) => area(f) === 'cli',
      'vscode-languageserver': (f) => f === 'cli/lsp/lsp-server.ts',
      'vscode-languageserver-textdocument': (f) => f === 'cli/lsp/lsp-server.ts',
      croner: (f) => f === 'triggers/cron.ts',
    };
    const offenders = FILES.flatMap((file) =>
      importsOf(file)
        .filter((i) => !i.typeOnly)
        .filter((i) => {
          const owner = owners[i.specifier.startsWith('@') ? i.specifier.split('/').slice(0, 2).join('/') : (i.specifier.split('/')[0] ?? '')];
          return owner !== undefined && !owner(file);
        })
        .map((i) => `${file} imports ${i.specifier}`),
    );
    expect(offenders).toEqual([]);
  });

  it('read the process environment and exit the process only in the composition roots', () => {
    const roots = new Set(['cli', 'server']);
    const offenders = FILES.filter((f) => !roots.has(area(f))).filter((file) => /process\.(env|exit)\b/.test(code(file)));
    expect(offenders).toEqual([]);
  });

  it('have no cycles of runtime imports', () => {
    const graph = new Map(
      FILES.map((file) => [
        file,
        importsOf(file)
          .filter((i) => !i.typeOnly && !/\bimport\(/.test(i.specifier))
          .map((i) => target(file, i.specifier))
          .filter((t): t is string => t !== null && TEXT.has(t)),
      ]),
    );
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'visiting');
      stack.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'visiting') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of FILES) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
