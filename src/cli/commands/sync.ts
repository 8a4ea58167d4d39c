import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { HarmoniaError } from '../../core/errors.js';
import type { PackSyncOptions, SyncAllResult } from '../../packs/sync-packs.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { formatText } from '../format/text.js';
import { shouldUseColor } from '../output/colors.js';
import { withStore } from '../open-store.js';
import { createProgress } from '../output/progress.js';
import { formatSyncReport } from '../output/sync-report.js';
import { settingFlagHelp } from '../setting-flag.js';

interface SyncFlags {
  dryRun?: boolean;
  prune: boolean;
  allowEmpty?: boolean;
  skipValidationErrors?: boolean;
  maxFileSize?: string;
  json?: boolean;
  ref?: string;
}

const HELP = `
Validates packs and registers them into the store under HARMONIA_DATA_DIR (or
HARMONIA_DB_URL): every changed file adds a version of its ref, unchanged files
are left alone, and refs whose file was deleted are pruned. PATH is a packs folder
(default ./packs or HARMONIA_PACKS_DIR) or one pack folder.

A pack with errors is not registered (unless --skip-validation-errors, which
registers its valid files). Exit codes: 0 synced, 1 a pack had errors or was
refused, 2 usage or internal error.

With a git source (HARMONIA_GIT_URL), --ref TAG|SHA|BRANCH fetches the repository,
syncs that commit and pins the deployment to it: a server on the same data folder
re-syncs the pinned ref at its next poll or webhook instead of the branch head, until
\`harmonia sync --ref <the branch>\` follows the branch again.

Examples:
  $ harmonia sync
  $ harmonia sync --dry-run
  $ harmonia sync packs/ci_cd --no-prune
  $ harmonia sync --json | jq '.packs[].plan'
  $ HARMONIA_GIT_URL=https://github.com/acme/workflows.git harmonia sync --ref v1.4.0`;

/** Registers `harmonia sync [PATH]`. */
export function registerSyncCommand(program: Command, ctx: CliContext): void {
  program
    .command('sync')
    .description('validate packs and register them into the store')
    .argument('[path]', 'a packs folder or one pack folder')
    .option('-n, --dry-run', 'show what would change; write nothing')
    .option('--no-prune', 'keep refs whose file was deleted')
    .option('--allow-empty', 'allow a sync that removes every workflow of a pack (or every pack)')
    .option('--skip-validation-errors', 'register the valid files of packs that have errors')
    .option('--max-file-size <bytes>', settingFlagHelp('max_file_size', 'refuse larger files unread (e.g. 1MiB)'))
    .option('--json', 'print JSON')
    .option('--ref <ref>', 'with HARMONIA_GIT_URL: sync this tag, sha or branch of the repository and pin the deployment to it')
    .addHelpText('after', HELP)
    .action(async (path: string | undefined, flags: SyncFlags) => {
      if (flags.ref !== undefined) {
        const clash = refClash(path, flags);
        if (clash !== undefined) {
          throw new HarmoniaError('USAGE_INVALID', `--ref syncs the configured git source and cannot be combined with ${clash}`);
        }
        const { runSyncRef } = await import('./sync-ref.js');
        ctx.exitCode = await runSyncRef(flags.ref, { json: flags.json === true }, ctx);
        return;
      }
      ctx.exitCode = await runSync(path, flags, ctx);
    });
}

/** The first option that makes no sense with --ref, which syncs the git source as it is. */
function refClash(path: string | undefined, flags: SyncFlags): string | undefined {
  const given: Array<[boolean, string]> = [
    [path !== undefined, 'a PATH'],
    [flags.dryRun === true, '--dry-run'],
    [!flags.prune, '--no-prune'],
    [flags.allowEmpty === true, '--allow-empty'],
    [flags.skipValidationErrors === true, '--skip-validation-errors'],
    [flags.maxFileSize !== undefined, '--max-file-size'],
  ];
  return given.find(([set]) => set)?.[1];
}

/** Syncs a packs folder (or one pack) and prints the report; resolves to the exit code. */
export async function runSync(path: string | undefined, flags: SyncFlags, ctx: CliContext): Promise<number> {
  const config = ctx.config(flags.maxFileSize === undefined ? {} : { max_file_size: flags.maxFileSize });
  const target = path ?? config.packs_dir;
  const options: PackSyncOptions = {
    dry_run: flags.dryRun === true,
    prune: flags.prune,
    allow_empty: flags.allowEmpty === true,
    skip_validation_errors: flags.skipValidationErrors === true,
    max_file_size: config.max_file_size,
    max_task_count: config.max_task_count,
    max_workflow_size: config.max_workflow_size,
  };
  const progress = createProgress(ctx.stderr);
  progress.update(`${options.dry_run ? 'planning' : 'syncing'} ${target}…`);
  const result = await withStore(config, ctx.cwd, async (store) => {
    const { createPackSyncService } = await import('../../packs/sync-packs.js');
    // A folder holding pack.yaml is one pack; anything else is a folder of packs.
    if (existsSync(join(resolve(ctx.cwd, target), 'pack.yaml'))) {
      const service = createPackSyncService({ store, packsDir: dirname(target) });
      const pack = await service.syncPack(basename(target), options);
      return { packs: [pack], pruned_packs: [] } satisfies SyncAllResult;
    }
    return createPackSyncService({ store, packsDir: target }).syncAll(options);
  }).finally(() => progress.done());
  const failed = result.packs.some((p) => p.errors.length > 0);
  if (flags.json) {
    ctx.stdout.write(JSON.stringify({ dry_run: options.dry_run, ...result }, null, 2) + '\n');
  } else {
    const errors = result.packs.flatMap((p) => p.errors);
    if (errors.length > 0) {
      const color = shouldUseColor(ctx.stderr.isTTY ?? false, ctx.env);
      ctx.stderr.write(formatText(errors, { color, summary: false, readSource: (file) => readText(resolve(ctx.cwd, file)) }));
    }
    ctx.stdout.write(formatSyncReport(result, { dryRun: options.dry_run === true, skipValidationErrors: options.skip_validation_errors === true, color: shouldUseColor(ctx.stdout.isTTY ?? false, ctx.env) }));
  }
  return failed ? EXIT.problems : EXIT.ok;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
