import type { Command } from 'commander';
import type { DefinitionKind } from '../../core/model.js';
import type { CliContext } from '../cli-context.js';
import { createColors, shouldUseColor } from '../output/colors.js';
import { withStore } from '../open-store.js';
import { parsePositiveInt } from './parse-flags.js';
import { parseKind, workflowGroup } from './gitops-shared.js';

const HELP = `
Shows what changed between two versions of a workflow as a unified diff of the
YAML each was registered from. V1 and V2 are version numbers or commit shas (a
prefix of 4 or more hex digits), as \`harmonia workflow history\` lists them.
Exit code 0 when they are equal, 1 when they differ.

Examples:
  $ harmonia workflow diff ci_cd.deploy_app 3 4
  $ harmonia workflow diff ci_cd.deploy_app 9f2c1e7 41d0a3b
  $ harmonia workflow diff ci_cd.deploy_app 1 4 --context 10`;

interface DiffFlags {
  kind: DefinitionKind;
  context?: number;
  json?: boolean;
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
  workflowGroup(program)
    .command('diff')
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
      await withStore(ctx.config(), ctx.cwd, async (store) => {
        const { diffDefinitionVersions } = await import('../../gitops/diff-versions.js');
        const result = await diffDefinitionVersions(store, { kind: flags.kind, ref, from, to, context: flags.context });
        if (flags.json) {
          const side = (r: typeof result.from) => ({ id: r.id, version: r.version, origin: r.origin });
          ctx.stdout.write(JSON.stringify({ ref, from: side(result.from), to: side(result.to), diff: result.diff }, null, 2) + '\n');
        } else if (result.diff === '') {
          ctx.stderr.write(`versions ${result.from.version} and ${result.to.version} of '${ref}' have the same source\n`);
        } else {
          const color = flags.color && shouldUseColor(ctx.stdout.isTTY === true, ctx.env);
          ctx.stdout.write(colorDiff(result.diff, color));
        }
        ctx.exitCode = result.diff === '' ? 0 : 1;
      });
    });
}
