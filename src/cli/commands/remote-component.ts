import type { Command } from 'commander';
import { EXIT, type CliContext } from '../cli-context.js';
import { formatTable } from '../output/table.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { commandGroup, printJson, runRemote, withRemoteOptions, type RemoteFlags } from './remote-client.js';
import { pageOptions, partialPageNote, withPageFlags, type PageFlags } from './page-flags.js';

const HELP = `
Remote components registered on a server (--url, HARMONIA_URL).

Examples:
  $ harmonia component list
  $ harmonia component test deployer       exit 1 when its /health does not answer 2xx`;

/** Registers `harmonia component list|test` (alias `components`). */
export function registerRemoteComponentCommand(program: Command, ctx: CliContext): void {
  const component = commandGroup(program, 'component', 'list and test remote components on a server').alias('components').addHelpText('after', HELP);

  withPageFlags(withRemoteOptions(component.command('list').description('list registered components'))).action(async (flags: RemoteFlags & PageFlags) => {
    await runWithHarmonia(ctx, flags, async (api) => {
      const list = await api.listComponents(pageOptions(flags));
      if (flags.json) return printJson(ctx, list);
      if (list.items.length === 0 && list.total === 0) return void ctx.stderr.write('no components registered\n');
      ctx.stdout.write(
        formatTable(
          [{ header: 'name' }, { header: 'url' }, { header: 'capabilities' }, { header: 'last heartbeat' }],
          list.items.map((c) => [c.name, c.base_url, c.capabilities.join(', ') || '-', c.last_heartbeat_at ?? '-']),
        ),
      );
      const note = partialPageNote(list);
      if (note !== null) ctx.stderr.write(note);
    });
  });

  withRemoteOptions(component.command('show').description('show one registered component').argument('<id>', 'component id or name')).action(
    async (id: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const view = await api.getComponent(id);
        if (flags.json) return printJson(ctx, view);
        const lines = [
          `component ${view.name}  (id ${view.id})`,
          `url:            ${view.base_url}`,
          `capabilities:   ${view.capabilities.join(', ') || '-'}`,
          `registered:     ${view.registered_at}`,
          `last heartbeat: ${view.last_heartbeat_at ?? '-'}`,
        ];
        ctx.stdout.write(lines.join('\n') + '\n');
      });
    },
  );

  withRemoteOptions(component.command('test').description("probe a component's health endpoint").argument('<id>', 'component id or name')).action(
    async (id: string, flags: RemoteFlags) => {
      await runRemote(ctx, flags, async (client) => {
        const result = await client.testComponent(id);
        if (flags.json) printJson(ctx, result);
        else if (result.ok) ctx.stdout.write(`${result.name}: healthy (HTTP ${result.status ?? '?'} in ${result.latency_ms}ms from ${result.url})\n`);
        else ctx.stdout.write(`${result.name}: ${result.reachable ? `unhealthy (HTTP ${result.status ?? '?'})` : `unreachable (${result.error ?? 'no answer'})`} at ${result.url}\n`);
        return result.ok ? EXIT.ok : EXIT.problems;
      });
    },
  );
}
