// Bundles `harmonia validate` into dist/bundle/validate.cjs and writes its V8 code cache,
// dist/bundle/validate.cache; `npm run build` runs it after tsc. The bin entry runs the
// bundle when the command is `validate` (src/cli/validate-bundle.ts). Why: on Node 20 a
// `validate` start resolved, read and compiled ~130 module files, about half of its
// instructions above a bare `node` start; one script with the bytecode of a warm-up run
// skips all of that (docs/performance.md).
//
// The warm-up validates the repository's packs/ and a pack with errors of each kind, so
// the cache holds the functions a run compiles, the diagnostics printers included. A
// cache made by another Node version or with other V8 flags is refused by V8 and the
// bundle compiles from source, as without a cache.
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = join(ROOT, 'dist/cli/validate-main.js');
const OUT_DIR = join(ROOT, 'dist/bundle');
const PRECOMPILED_MODULE = join(ROOT, 'dist/packs/precompiled-validators.js');
const VALIDATORS_FILE = join(ROOT, 'schemas/validators.cjs');

// Packages copied into the bundle: they are on every run's path and are many files each
// (yaml is 74), or required by the precompiled validators (ajv's ucs2length, one small
// file, whose require() alone would start the CommonJS loader). The others stay
// require()d from node_modules when a run needs them (croner for a cron trigger,
// simple-git for --changed-since, ajv when the precompiled validators are stale).
const INLINED_PACKAGES = /^(yaml|commander)(\/|$)|^ajv\/dist\/runtime\/ucs2length$/;
// Node built-ins a run needs anyway. Any other the bundle requires at its top level
// (commander's node:child_process, node:crypto for a git source's cache folder) is
// required on first use instead: loading those two cost ~17 M instructions a run.
const EAGER_BUILTINS = new Set(['node:fs', 'node:fs/promises', 'node:path', 'node:url', 'node:module', 'node:events', 'node:process']);
const LAZY_REQUIRE = 'function __lazyRequire(id) {\n\tlet loaded;\n\treturn new Proxy({}, { get: (_, key) => (loaded ??= require(id))[key] });\n}\n';
// Our modules that must not reach the validate path (as the CLI test's resolve hook).
const FORBIDDEN = /\/dist\/(server|store|engine|cluster|client|app)\/|\/dist\/llm\/(?!llm-parameters)|\/dist\/cli\/commands\/(?!validate)/;

// rolldown is vite's bundler; taken through vite so the build adds no dependency.
async function loadRolldown() {
  const fromVite = createRequire(createRequire(join(ROOT, 'package.json')).resolve('vite/package.json'));
  return import(pathToFileURL(fromVite.resolve('rolldown')).href);
}

async function bundle() {
  const { build } = await loadRolldown();
  mkdirSync(OUT_DIR, { recursive: true });
  const output = await build({
    write: false,
    input: ENTRY,
    platform: 'node',
    logLevel: 'warn',
    // schemas/validators.cjs (126 KB of generated code) goes into the bundle and its cache.
    plugins: [
      {
        name: 'inline-precompiled-validators',
        load(id) {
          if (id !== PRECOMPILED_MODULE) return null;
          return `import validators from ${JSON.stringify(VALIDATORS_FILE)};\nexport function requirePrecompiledValidators() { return validators; }\n`;
        },
      },
    ],
    external: (id) => id.startsWith('node:') || (!id.startsWith('.') && !id.startsWith('/') && !INLINED_PACKAGES.test(id)),
    output: {
      file: join(OUT_DIR, 'validate.cjs'),
      format: 'cjs',
      codeSplitting: false,
      // A vm script has no import() on Node 20: external dynamic imports become require().
      dynamicImportInCjs: false,
    },
  });
  const chunk = output.output.find((item) => item.type === 'chunk');
  const forbidden = chunk.moduleIds.filter((id) => FORBIDDEN.test(id));
  if (!chunk.moduleIds.includes(VALIDATORS_FILE)) throw new Error('the validate bundle does not hold schemas/validators.cjs');
  if (forbidden.length > 0) throw new Error(`the validate bundle would hold ${forbidden.join(', ')}`);
  if (/\bimport\(\s*["'`]/.test(chunk.code.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, ''))) {
    throw new Error('the validate bundle still calls import(), which a vm script cannot run on Node 20');
  }
  // A package the bundle requires at its top level would load on every run.
  const eager = [...chunk.code.matchAll(/^(?:let|var|const) \w+ = require\("((?!node:)[^"]+)"\)/gm)].map((match) => match[1]);
  if (eager.length > 0) throw new Error(`the validate bundle loads ${eager.join(', ')} on every run; require it where it is used`);
  // Non-ASCII characters only occur in strings, regular expressions and comments here,
  // where a \u escape means the same; an ASCII file is read without UTF-8 decoding.
  const code = requireBuiltinsLazily(chunk.code).replace(/[^\0-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const { codeCacheStamp } = await import(pathToFileURL(join(ROOT, 'dist/cli/code-cached-script.js')).href);
  const id = createHash('sha256').update(code).digest('hex').slice(0, 32);
  writeFileSync(join(OUT_DIR, 'validate.cjs'), `${code}${code.endsWith('\n') ? '' : '\n'}${codeCacheStamp(id)}`);
  // What went in, so the CLI tests can tell a bundle older than its modules (a tsc-only build).
  const modules = chunk.moduleIds.filter((id) => id.startsWith(join(ROOT, 'dist'))).map((id) => relative(ROOT, id));
  writeFileSync(join(OUT_DIR, 'validate.modules.json'), `${JSON.stringify(modules, null, 1)}\n`);
  return { moduleIds: chunk.moduleIds, code };
}

// `let node_crypto = require("node:crypto");` becomes a proxy that requires the module
// on its first property read. Only for bindings used as `name.property`, as the bundler
// writes named imports: anything else (a spread, a default import) might need the module
// object itself, so the build fails and the list above must say what to do.
function requireBuiltinsLazily(code) {
  const declaration = /^(\s*)(let|var|const) ([\w$]+) = require\("(node:[\w/]+)"\);$/gm;
  let lazy = 0;
  const rewritten = code.replace(declaration, (line, indent, keyword, name, id) => {
    if (EAGER_BUILTINS.has(id)) return line;
    const uses = code.match(new RegExp(`(?<![\\w.$])${name.replaceAll('$', '\\$')}(?![\\w$])(?!\\s*=\\s*require)(.)`, 'g')) ?? [];
    if (uses.some((use) => !use.endsWith('.'))) throw new Error(`the validate bundle uses ${name} (${id}) other than as ${name}.property; add ${id} to EAGER_BUILTINS or change its use`);
    lazy++;
    return `${indent}${keyword} ${name} = __lazyRequire(${JSON.stringify(id)});`;
  });
  return lazy === 0 ? rewritten : `${LAZY_REQUIRE}${rewritten}`;
}

const sink = { isTTY: false, write: () => true };

const BROKEN_PACK = {
  'pack.yaml': 'ref: warmup\nversion: 1.0.0\ndescription: Build warm-up pack\n',
  'workflows/broken.yaml': [
    'version: 1.0.0',
    'name: Broken',
    'unknown_key: 1',
    'tasks:',
    '  a:',
    '    action: core.noop',
    '    depends_on: [b]',
    '  b:',
    '    action: core.echo',
    '    depends_on: [a]',
    '    input: { message: "${tasks.missing.output.x + }" }',
    '  c: [',
    '',
  ].join('\n'),
  'workflows/cron.yaml': [
    'version: 1.0.0',
    'name: Cron',
    'triggers:',
    '  nightly:',
    '    schedule: { cron: "0 3 * * *", timezone: Europe/Paris }',
    'tasks:',
    '  a:',
    '    action: core.echo',
    '    input: { message: "${input.day}" }',
    '',
  ].join('\n'),
};

async function warmUp() {
  const { loadValidateBundle } = await import(pathToFileURL(join(ROOT, 'dist/cli/validate-bundle.js')).href);
  const bundle = loadValidateBundle();
  const dir = mkdtempSync(join(tmpdir(), 'harmonia-warmup-'));
  try {
    for (const [path, text] of Object.entries(BROKEN_PACK)) {
      mkdirSync(join(dir, 'packs/warmup', path, '..'), { recursive: true });
      writeFileSync(join(dir, 'packs/warmup', path), text);
    }
    const runs = [[join(dir, 'packs')], [join(dir, 'packs'), '--format', 'json']];
    // A packs folder, one pack and one file each take their own path to the packs to load
    // (one pack or file brings the packs it depends on, and their dependency lists).
    runs.push([join(dir, 'packs/warmup/workflows/cron.yaml')]);
    if (existsSync(join(ROOT, 'packs'))) runs.unshift([join(ROOT, 'packs')], [join(ROOT, 'packs/ci_cd')]);
    for (const args of runs) {
      await bundle.exports.validateMain(['validate', ...args], { cwd: dir, env: {}, stdout: sink, stderr: sink });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  bundle.writeCache();
}

const chunk = await bundle();
await warmUp();
process.stdout.write(`dist/bundle/validate.cjs: ${chunk.moduleIds.length} modules, ${chunk.code.length} characters, code cache written\n`);
