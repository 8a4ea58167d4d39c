/** `harmonia workflow create|update|delete`: workflows written through the API, here or on a server. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { HarmoniaError } from '../../core/errors.js';
import type { WorkflowWriteResult } from '../../core/wire.js';
import type { CliContext } from '../cli-context.js';
import { formatText } from '../format/text.js';
import { shouldUseColor } from '../output/colors.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { printJson, withServerOptions, type RemoteFlags } from './remote-client.js';

const HELP = `
Writes workflows of the API pack (\`api\`), validated as pack files are: on the server named
by --url, HARMONIA_URL or .env.harmonia, else in the local store, with the same answer.
FILE is YAML or JSON; - reads standard input. A create whose name maps to a ref that exists
with another body fails with WORKFLOW_EXISTS (exit 1): change that workflow with
\`workflow update\`. Workflows from pack files change in their pack, not here.

Examples:
  $ harmonia workflow create process.yaml
  $ harmonia workflow create process.json --name data_processing --url http://127.0.0.1:8002
  $ harmonia workflow update api.data_processing process.yaml
  $ harmonia workflow delete api.data_processing`;

function readDefinition(ctx: CliContext, file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : resolve(ctx.cwd, file), 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new HarmoniaError('USAGE_INVALID', `cannot read workflow file '${file}' (${reason})`);
  }
}

function printWritten(ctx: CliContext, flags: RemoteFlags, written: WorkflowWriteResult, verb: string): void {
  if (flags.json) return printJson(ctx, written);
  if (written.diagnostics.length > 0) {
    ctx.stderr.write(formatText(written.diagnostics, { color: shouldUseColor(ctx.stderr.isTTY ?? false, ctx.env), summary: true }));
  }
  const what = written.changed ? `${verb} ${written.ref} version ${written.version}` : `${written.ref} unchanged at version ${written.version}`;
  ctx.stdout.write(`${what} (id ${written.workflow_id})\n`);
}

/** Registers `harmonia workflow create`, `workflow update` and `workflow delete`. */
export function registerWorkflowWriteCommands(workflow: Command, ctx: CliContext): void {
  withServerOptions(workflow.command('create'))
    .description('create a workflow in the API pack from a YAML or JSON file')
    .argument('<file>', 'the workflow file (- for standard input)')
    .option('--name <name>', "the ref's name (default: the body's name)")
    .option('--json', 'print JSON')
    .addHelpText('after', HELP)
    .action(async (file: string, flags: RemoteFlags & { name?: string }) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const written = await api.createWorkflow(readDefinition(ctx, file), flags.name !== undefined ? { name: flags.name } : {});
        printWritten(ctx, flags, written, 'created');
      });
    });
  withServerOptions(workflow.command('update'))
    .description('add a version to a workflow created through the API')
    .argument('<ref>', 'workflow ref or version id')
    .argument('<file>', 'the new body (- for standard input)')
    .option('--json', 'print JSON')
    .action(async (ref: string, file: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        printWritten(ctx, flags, await api.updateWorkflow(ref, readDefinition(ctx, file)), 'updated');
      });
    });
  withServerOptions(workflow.command('delete'))
    .description('mark a workflow created through the API deleted (its versions stay)')
    .argument('<ref>', 'workflow ref or version id')
    .option('--json', 'print JSON')
    .action(async (ref: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const deleted = await api.deleteWorkflow(ref);
        if (flags.json) return printJson(ctx, deleted);
        ctx.stdout.write(`deleted ${String(deleted.ref ?? ref)}\n`);
      });
    });
}
