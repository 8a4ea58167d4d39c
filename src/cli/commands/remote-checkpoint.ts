import type { Command } from 'commander';
import { EXIT, type CliContext } from '../cli-context.js';
import { formatTable } from '../output/table.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { commandGroup, printJson, runRemote, withRemoteOptions, type RemoteFlags } from './remote-client.js';
import { pageOptions, partialPageNote, withPageFlags, type PageFlags } from './page-flags.js';
import { acceptShortExecutionId } from './execution-id-arg.js';

const HELP = `
Snapshots of an execution's state, on a server (--url, HARMONIA_URL).

Examples:
  $ harmonia checkpoint create 0b6f...
  $ harmonia checkpoint list 0b6f...
  $ harmonia checkpoint validate 4c1e...     exit 1 when it does not match its execution
  $ harmonia checkpoint restore 4c1e...      starts a new execution from it`;

/** Registers `harmonia checkpoint create|list|validate|restore`. */
export function registerRemoteCheckpointCommand(program: Command, ctx: CliContext): void {
  const checkpoint = commandGroup(program, 'checkpoint', 'create, list, validate and restore checkpoints on a server').addHelpText('after', HELP);

  acceptShortExecutionId(
    withRemoteOptions(checkpoint.command('create').description("snapshot an execution's state").argument('<execution>', 'execution id')),
    ctx,
  ).action(
    async (executionId: string, flags: RemoteFlags) => {
      await runRemote(ctx, flags, async (client) => {
        const created = await client.createCheckpoint(executionId);
        if (flags.json) return printJson(ctx, created);
        ctx.stdout.write(`created checkpoint ${created.checkpoint_id} of execution ${created.execution_id} at seq ${created.seq}\n`);
      });
    },
  );

  acceptShortExecutionId(
    withPageFlags(withRemoteOptions(checkpoint.command('list').description("list an execution's checkpoints, oldest first").argument('[execution]', 'execution id'))).option(
      '--execution <id>',
      'execution id (instead of the argument)',
    ),
    ctx,
    0,
    ['execution'],
  )
    .action(async (positional: string | undefined, flags: RemoteFlags & PageFlags & { execution?: string }) => {
      const executionId = positional ?? flags.execution;
      if (executionId === undefined) {
        ctx.stderr.write('harmonia: name the execution: `harmonia checkpoint list <execution>`\n');
        ctx.exitCode = EXIT.usage;
        return;
      }
      await runWithHarmonia(ctx, flags, async (api) => {
        const list = await api.listCheckpoints(executionId, pageOptions(flags));
        if (flags.json) return printJson(ctx, list);
        if (list.items.length === 0 && list.total === 0) return void ctx.stderr.write(`no checkpoints of execution ${executionId}\n`);
        ctx.stdout.write(
          formatTable(
            [{ header: 'checkpoint' }, { header: 'seq', align: 'right' }, { header: 'created' }],
            list.items.map((c) => [c.checkpoint_id, String(c.seq), c.created_at]),
          ),
        );
        const note = partialPageNote(list);
        if (note !== null) ctx.stderr.write(note);
      });
    });

  withRemoteOptions(checkpoint.command('show').description('show one checkpoint with its snapshot').argument('<id>', 'checkpoint id')).action(
    async (id: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const detail = await api.getCheckpoint(id);
        if (flags.json) return printJson(ctx, detail);
        ctx.stdout.write(`checkpoint ${detail.checkpoint_id} of execution ${detail.execution_id} at seq ${detail.seq} (${detail.created_at})\n`);
        ctx.stdout.write(`${JSON.stringify(detail.snapshot, null, 2)}\n`);
      });
    },
  );

  withRemoteOptions(checkpoint.command('validate').description('check a checkpoint against its execution').argument('<id>', 'checkpoint id')).action(
    async (id: string, flags: RemoteFlags) => {
      await runRemote(ctx, flags, async (client) => {
        const result = await client.validateCheckpoint(id);
        if (flags.json) printJson(ctx, result);
        else if (result.valid) ctx.stdout.write(`checkpoint ${result.checkpoint_id} is valid\n`);
        else ctx.stdout.write(`checkpoint ${result.checkpoint_id} is not valid:\n${result.problems.map((p) => `  - ${p}\n`).join('')}`);
        return result.valid ? EXIT.ok : EXIT.problems;
      });
    },
  );

  withRemoteOptions(checkpoint.command('restore').description('start a new execution from a checkpoint').argument('<id>', 'checkpoint id')).action(
    async (id: string, flags: RemoteFlags) => {
      await runRemote(ctx, flags, async (client) => {
        const execution = await client.restoreFromCheckpoint(id);
        if (flags.json) return printJson(ctx, execution);
        ctx.stdout.write(`restored as execution ${execution.execution_id} (${execution.status})\n`);
      });
    },
  );
}
