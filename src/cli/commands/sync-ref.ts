import { resolve } from 'node:path';
import { HarmoniaError } from '../../core/errors.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { shouldUseColor } from '../output/colors.js';
import { withStore } from '../open-store.js';

export interface SyncRefFlags {
  json?: boolean;
}

/**
 * `harmonia sync --ref REF`: syncs the configured git source at a tag, branch or sha and
 * pins the deployment there (the pin is saved beside the clone, where a server on the
 * same data folder reads it at its next run); the followed branch's name unpins.
 * Resolves to the exit code: 0 synced, 1 a pack had errors, the run was refused or the
 * ref is unknown, 2 the fetch failed.
 */
export async function runSyncRef(ref: string, flags: SyncRefFlags, ctx: CliContext): Promise<number> {
  const config = ctx.config();
  if ((config.git_sources ?? '').trim() !== '') {
    throw new HarmoniaError(
      'USAGE_INVALID',
      `--ref '${ref}' pins the one git source of HARMONIA_GIT_URL; with HARMONIA_GIT_SOURCES pin one source through the server: harmonia git sync SOURCE --ref ${ref}`,
    );
  }
  if (config.git_url === null || config.git_url === '') {
    throw new HarmoniaError(
      'USAGE_INVALID',
      `--ref '${ref}' needs a git source; set HARMONIA_GIT_URL (and HARMONIA_GIT_BRANCH) to the repository the server follows`,
    );
  }
  // The clone (and its pin file) must be the server's: resolve the data folder as the server does.
  const settings = { ...config, data_dir: resolve(ctx.cwd, config.data_dir) };
  const report = await withStore(config, ctx.cwd, async (store) => {
    const { createGitSyncFromSettings } = await import('../../gitops/create-git-sync.js');
    const git = createGitSyncFromSettings(settings, { store, env: ctx.env });
    if (git === null) throw new HarmoniaError('USAGE_INVALID', '--ref needs a git source; set HARMONIA_GIT_URL');
    try {
      return await git.syncAt(ref);
    } finally {
      await git.stop();
    }
  });
  if (flags.json) {
    ctx.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    const { formatGitSyncReport } = await import('../output/git-sync-report.js');
    ctx.stdout.write(formatGitSyncReport(report, { color: shouldUseColor(ctx.stdout.isTTY ?? false, ctx.env) }));
    const following = ref.trim() === '' || ref.trim() === config.git_branch;
    if (report.outcome !== 'failed') {
      ctx.stderr.write(
        following
          ? `following branch '${config.git_branch}' again\n`
          : `deployment pinned to '${ref}'; polls and webhooks re-sync it until \`harmonia sync --ref ${config.git_branch}\`\n`,
      );
    }
  }
  switch (report.outcome) {
    case 'synced':
    case 'unchanged':
      return EXIT.ok;
    case 'partial':
    case 'refused':
      return EXIT.problems;
    case 'failed':
      return report.error?.code === 'VERSION_NOT_FOUND' ? EXIT.problems : EXIT.usage;
  }
}
