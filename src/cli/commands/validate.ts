import { Option, type Command } from 'commander';
import { hasErrors, type Diagnostic } from '../../core/diagnostic.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { formatDiagnostics, OUTPUT_FORMATS, type OutputFormat } from '../format/format-diagnostics.js';
import { shouldUseColor } from '../output/colors.js';
import { readVersion } from '../version.js';

interface ValidateFlags {
  format: OutputFormat;
  strict?: boolean;
  quiet?: boolean;
  maxFileSize?: string;
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
  $ harmonia validate --strict --quiet`;

/** Registers `harmonia validate [PATH...]`. */
export function registerValidateCommand(program: Command, ctx: CliContext): void {
  program
    .command('validate')
    .description('check packs for problems (no server or store needed)')
    .argument('[path...]', 'packs folders, packs or files to check')
    .addOption(new Option('-f, --format <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('--strict', 'treat warnings as errors')
    .option('-q, --quiet', 'report errors only')
    .option('--max-file-size <bytes>', 'refuse larger files unread (e.g. 1048576, 512KiB, 1MiB)')
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
  const targets = paths.length > 0 ? paths : [config.packs_dir];
  const { runPipeline } = await import('../../packs/run-pipeline.js');
  const result = await runPipeline(targets, { max_file_size: config.max_file_size });
  const diagnostics = selectDiagnostics(result.diagnostics, flags);
  const files = result.packs.flatMap((pack) => pack.files.map((file) => file.path));
  const sources = new Map(result.packs.flatMap((pack) => pack.files.map((file) => [file.path, file.text] as const)));
  const output = formatDiagnostics(flags.format, diagnostics, {
    files,
    readSource: (file) => sources.get(file),
    color: flags.format === 'text' && flags.color && shouldUseColor(ctx.stdout.isTTY ?? false, ctx.env),
    cwd: ctx.cwd,
    toolVersion: readVersion(),
  });
  ctx.stdout.write(output);
  return hasErrors(diagnostics) ? EXIT.problems : EXIT.ok;
}
