import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { HarmoniaError } from '../../core/errors.js';
import { hasErrors, type Diagnostic } from '../../core/diagnostic.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { formatDiagnostics, OUTPUT_FORMATS, type OutputFormat } from '../format/format-diagnostics.js';
import { shouldUseColor } from '../output/colors.js';
import { readVersion } from '../version.js';
import { settingFlagHelp } from '../setting-flag.js';

interface ValidateFlags {
  format: OutputFormat;
  strict?: boolean;
  quiet?: boolean;
  maxFileSize?: string;
  changedSince?: string;
  color: boolean;
}

const HELP = `
Checks pack files for YAML, schema and semantic problems (cycles, unknown tasks,
bad expressions) without a server or a database. PATH may be a packs folder, one
pack, or single files; the default is ./packs (or HARMONIA_PACKS_DIR).

Exit codes: 0 valid, 1 problems found, 2 usage or internal error.

Examples:
  $ harmonia validate
  $ harmonia validate packs/ci_cd/workflows/deploy_app.yaml
  $ harmonia validate packs --format json | jq '.diagnostics[] | .code'
  $ harmonia validate --format github             # annotations in GitHub Actions
  $ harmonia validate --format sarif > harmonia.sarif
  $ harmonia validate --format junit > harmonia-junit.xml
  $ harmonia validate --strict --quiet
  $ harmonia validate --changed-since origin/main   # packs touched since the merge base, and their dependants`;

/** Registers `harmonia validate [PATH...]`. */
export function registerValidateCommand(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check packs for problems (no server or store needed)')
    .argument('[path...]', 'packs folders, packs or files to check')
    .addOption(new Option('-f, --format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('--strict', 'treat warnings as errors')
    .option('-q, --quiet', 'report errors only')
    .option('--max-file-size <bytes>', settingFlagHelp('max_file_size', 'refuse larger files unread (e.g. 1048576, 512KiB, 1MiB)'))
    .option('--changed-since <ref>', 'only packs changed since this git ref (and the packs that depend on them)')
    .option('--no-color', 'never colour text output')
    .addHelpText('after', HELP)
    .action(async (paths: string[], flags: ValidateFlags) => {
      ctx.exitCode = await runValidate(paths, flags, ctx);
    });
}

/** Applies --strict and --quiet: warnings become errors, or everything but errors is dropped. */
export function selectDiagnostics(
  diagnostics: readonly Diagnostic[],
  flags: { strict?: boolean; quiet?: boolean },
): Diagnostic[] {
  let list = flags.strict
    ? diagnostics.map((d): Diagnostic => (d.severity === 'warning' ? { ...d, severity: 'error' } : d))
    : [...diagnostics];
  if (flags.quiet) list = list.filter((d) => d.severity === 'error');
  return list;
}

async function runValidate(paths: readonly string[], flags: ValidateFlags, ctx: CliContext): Promise<number> {
  const config = ctx.config(flags.maxFileSize === undefined ? {} : { max_file_size: flags.maxFileSize });
  let targets = paths.length > 0 ? paths : [config.packs_dir];
  if (flags.changedSince !== undefined) {
    targets = await changedTargets(targets, flags.changedSince, ctx);
    ctx.stderr.write(
      targets.length === 0
        ? `no pack changed since '${flags.changedSince}'\n`
        : `checking ${targets.length} pack(s) changed since '${flags.changedSince}' or depending on one: ${targets.join(', ')}\n`,
    );
  }
  const { runPipeline } = await import('../../packs/run-pipeline.js');
  // Nothing changed in a packs folder that does hold packs: a pass, said so above.
  const result =
    flags.changedSince !== undefined && targets.length === 0
      ? { packs: [], diagnostics: [], file_count: 0 }
      : await runPipeline(targets, { cwd: ctx.cwd, max_file_size: config.max_file_size, max_task_count: config.max_task_count, max_workflow_size: config.max_workflow_size });
  const diagnostics = selectDiagnostics(result.diagnostics, flags);
  const files = result.packs.flatMap((pack) => pack.files.map((file) => file.path));
  const sources = new Map(result.packs.flatMap((pack) => pack.files.map((file) => [file.path, file.text] as const)));
  const output = formatDiagnostics(flags.format, diagnostics, {
    files,
    readSource: (file) => sources.get(file),
    color: flags.format === 'text' && flags.color && shouldUseColor(() => ctx.stdout.isTTY ?? false, ctx.env),
    cwd: ctx.cwd,
    toolVersion: readVersion(),
  });
  ctx.stdout.write(output);
  return hasErrors(diagnostics) ? EXIT.problems : EXIT.ok;
}

/**
 * The pack folders to check for --changed-since: packs with a file changed since the
 * merge base with `ref` (committed, staged, or in the working tree), plus every pack
 * that depends on one of them. Packs that were deleted are left out.
 */
async function changedTargets(paths: readonly string[], ref: string, ctx: CliContext): Promise<string[]> {
  if (paths.length !== 1) {
    throw new HarmoniaError('USAGE_INVALID', '--changed-since takes one packs folder (or none, for HARMONIA_PACKS_DIR)');
  }
  const packsDir = resolve(ctx.cwd, paths[0] ?? '.');
  const [{ changedPacks }, { withDependants }, { readDependencyGraph }] = await Promise.all([
    import('../../packs/git-source.js'),
    import('../../gitops/pack-dependants.js'),
    import('../../gitops/read-dependency-graph.js'),
  ]);
  const graph = await readDependencyGraph(packsDir);
  if (![...graph.keys()].some((pack) => existsSync(join(packsDir, pack, 'pack.yaml')))) {
    // A wrong path, or a run from a sub-folder: "no pack changed" would pass a broken branch.
    throw new HarmoniaError(
      'USAGE_INVALID',
      `'${paths[0] ?? '.'}' holds no pack (no folder with a pack.yaml) in ${ctx.cwd}; pass the packs folder, or run from the repository root`,
    );
  }
  const changed = await changedPacks(ctx.cwd, ref, relative(ctx.cwd, packsDir) || '.');
  return withDependants(changed, graph)
    .filter((pack) => graph.has(pack))
    .map((pack) => join(paths[0] ?? '.', pack));
}
