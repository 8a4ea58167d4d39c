import type { Command } from 'commander';
import { EXIT, type CliContext } from '../cli-context.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { commandGroup, printJson, runRemote, withRemoteOptions, type RemoteFlags } from './remote-client.js';
import { acceptShortExecutionId } from './execution-id-arg.js';

const HELP = `
An execution's state is a fold of its events. \`state rebuild\` asks the server to
fold the whole event history again and store the result as a fresh checkpoint,
then validates it against the events; use it when restoring from an older
checkpoint fails. \`state show\` prints the custom state saved with PUT .../state.

Examples:
  $ harmonia state rebuild 0b6f...
  $ harmonia state show 0b6f... --json`;

/** Registers `harmonia state rebuild|show`. */
export function registerRemoteStateCommand(program: Command, ctx: CliContext): void {
  const state = commandGroup(program, 'state', "rebuild and show an execution's state on a server").addHelpText('after', HELP);

  acceptShortExecutionId(
    withRemoteOptions(state.command('rebuild').description("fold an execution's events into a fresh, validated checkpoint").argument('<id>', 'execution id')),
    ctx,
  ).action(
    async (id: string, flags: RemoteFlags) => {
      await runRemote(ctx, flags, async (client) => {
        const checkpoint = await client.createCheckpoint(id);
        const validation = await client.validateCheckpoint(checkpoint.checkpoint_id);
        if (flags.json) printJson(ctx, { checkpoint, validation });
        else {
          ctx.stdout.write(`rebuilt the state of execution ${id} from ${checkpoint.seq} events: checkpoint ${checkpoint.checkpoint_id}\n`);
          ctx.stdout.write(validation.valid ? 'the checkpoint matches the event history\n' : `the checkpoint does not validate:\n${validation.problems.map((p) => `  - ${p}\n`).join('')}`);
        }
        return validation.valid ? EXIT.ok : EXIT.problems;
      });
    },
  );

  acceptShortExecutionId(
    withRemoteOptions(state.command('show').description("print an execution's saved custom state").argument('<id>', 'execution id')),
    ctx,
  ).action(
    async (id: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const view = await api.getExecutionState(id);
        printJson(ctx, flags.json ? view : view.state);
      });
    },
  );
}
