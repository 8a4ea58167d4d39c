import type { Command } from 'commander';
import type { DefinitionKind } from '../../core/model.js';
import type { VersionDiffView } from '../../core/wire.js';
import type { CliContext } from '../cli-context.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { createColors, shouldUseColor } from '../output/colors.js';
import { withStore } from '../open-store.js';
import { parsePositiveInt } from './parse-flags.js';
import { parseKind, workflowGroup } from './gitops-shared.js';
import { withServerOptions, type RemoteFlags } from './remote-client.js';

const HELP = `
Shows what changed between two versions of a workflow as a unified diff of the
YAML each was registered from. V1 and V2 are version numbers or commit shas (a
prefix of 4 or more hex digits), as \`harmonia workflow history\` lists them.
Exit code 0 when they are equal, 1 when they differ.

Examples:
  $ harmonia workflow diff ci_cd.deploy_app 3 4
  $ harmonia workflow diff ci_cd.deploy_app 9f2c1e7 41d0a3b
  $ harmonia workflow diff ci_cd.deploy_app 1 4 --context 10`;

interface DiffFlags extends RemoteFlags {
  kind: DefinitionKind;
  context?: number;
  color: boolean;
}

/** Colours a unified diff: removals red, additions green, hunk headers cyan. */
export function colorDiff(diff: string, enabled: boolean): string {
  const c = createColors(enabled);
  return diff
    .split('\n')
    .map((line) => {
      if (line.startsWith('---') || line.startsWith('+++')) return c.bold(line);
      if (line.startsWith('@@')) return c.cyan(line);
      if (line.startsWith('-')) return c.red(line);
      if (line.startsWith('+')) return c.green(line);
      return line;
    })
    .join('\n');
}

/** Registers `harmonia workflow diff REF V1 V2`. */
export function registerWorkflowDiffCommand(program: Command, ctx: CliContext): void {
  withServerOptions(workflowGroup(program).command('diff'))
    .description('diff the YAML of two versions of a workflow')
    .argument('<ref>', 'workflow ref (pack.name)')
    .argument('<v1>', 'old version number or commit sha')
    .argument('<v2>', 'new version number or commit sha')
    .option('--kind <kind>', 'workflow, template or action', parseKind, 'workflow')
    .option('-U, --context <lines>', 'unchanged lines around each change (default 3)', parsePositiveInt)
    .option('--json', 'print JSON')
    .option('--no-color', 'never colour the diff')
    .addHelpText('after', HELP)
    .action(async (ref: string, from: string, to: string, flags: DiffFlags) => {
      const print = (result: VersionDiffView): number => {
        if (flags.json) ctx.stdout.write(JSON.stringify(result, null, 2) + '\n');
        else if (result.identical) ctx.stderr.write(`versions ${result.from.version} and ${result.to.version} of '${ref}' have the same source\n`);
        else ctx.stdout.write(colorDiff(result.diff, flags.color && shouldUseColor(ctx.stdout.isTTY === true, ctx.env)));
        return result.identical ? 0 : 1;
      };
      const context = flags.context !== undefined ? { context: flags.context } : {};
      if (flags.kind === 'workflow') return runWithHarmonia(ctx, flags, async (api) => print(await api.diffWorkflowVersions(ref, from, to, context)));
      await withStore(ctx.config(), ctx.cwd, async (store) => {
        const { diffDefinitionVersions } = await import('../../gitops/diff-versions.js');
        const result = await diffDefinitionVersions(store, { kind: flags.kind, ref, from, to, ...context });
        const side = (r: typeof result.from) => ({ version: r.version, commit: r.origin.commit ?? null });
        ctx.exitCode = print({ ref, from: side(result.from), to: side(result.to), identical: result.diff === '', diff: result.diff });
      });
    });
}
