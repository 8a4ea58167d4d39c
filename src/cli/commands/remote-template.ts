import type { Command } from 'commander';
import type { ParameterSpec } from '../../core/model.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../output/table.js';
import { terminalWidth } from '../output/terminal-width.js';
import { runWithHarmonia } from '../open-harmonia.js';
import { commandGroup, jsonObjectParser, printJson, withRemoteOptions, type RemoteFlags } from './remote-client.js';
import { pageOptions, partialPageNote, withPageFlags, type PageFlags } from './page-flags.js';

const HELP = `
Creates, lists, shows and instantiates workflow templates: on the server named by --url,
HARMONIA_URL or .env.harmonia, else in the local store, with the same output. A template
made from a workflow must declare every \${param.*} the workflow reads.

Examples:
  $ harmonia template create --from-workflow api.process --name process_template \\
      --parameters '{"data_source":{"type":"string","required":true}}'
  $ harmonia template list
  $ harmonia template instantiate api.process_template --params '{"data_source":"s3://bucket/data.csv"}'`;

/** Registers `harmonia template create|list|instantiate`. */
export function registerRemoteTemplateCommand(program: Command, ctx: CliContext): void {
  const template = commandGroup(program, 'template', 'create, list and instantiate workflow templates').addHelpText('after', HELP);

  withRemoteOptions(template.command('create').description('create a template from a registered workflow'))
    .requiredOption('--from-workflow <id>', 'the workflow (ref or version id) to make the template from')
    .requiredOption('--name <name>', 'the template name')
    .option('--description <text>', 'what the template is for')
    .option('--parameters <json>', 'parameter specs as a JSON object, or @file.json', jsonObjectParser(ctx.cwd))
    .action(async (flags: RemoteFlags & { fromWorkflow: string; name: string; description?: string; parameters?: Record<string, unknown> }) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const created = await api.createTemplate({
          name: flags.name,
          workflow_definition_id: flags.fromWorkflow,
          ...(flags.description !== undefined ? { description: flags.description } : {}),
          ...(flags.parameters !== undefined ? { parameters: flags.parameters as Record<string, ParameterSpec> } : {}),
        });
        if (flags.json) return printJson(ctx, created);
        ctx.stdout.write(`created template ${created.ref} version ${created.version} (id ${created.template_id})\n`);
      });
    });

  withPageFlags(withRemoteOptions(template.command('list').description('list templates')).option('--pack <ref>', 'only templates of this pack'), 100)
    .action(async (flags: RemoteFlags & PageFlags & { pack?: string }) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const page = await api.listTemplates({ ...pageOptions(flags), ...(flags.pack !== undefined ? { pack: flags.pack } : {}) });
        if (flags.json) return printJson(ctx, page);
        if (page.items.length === 0) return void ctx.stderr.write('no templates\n');
        ctx.stdout.write(
          formatTable(
            [{ header: 'ref' }, { header: 'version', align: 'right' }, { header: 'parameters' }, { header: 'description' }],
            page.items.map((t) => [t.ref, String(t.version), Object.keys(t.parameters).join(', ') || '-', t.description ?? '']),
            { width: terminalWidth(ctx) },
          ),
        );
        const note = partialPageNote(page);
        if (note !== null) ctx.stderr.write(note);
      });
    });

  withRemoteOptions(template.command('show').description('show one template: its parameters and the workflow it yields').argument('<id>', 'template ref or id')).action(
    async (id: string, flags: RemoteFlags) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const detail = await api.getTemplate(id);
        if (flags.json) return printJson(ctx, detail);
        const lines = [
          `${detail.ref}  version ${detail.version}`,
          ...(detail.description ? [`description: ${detail.description}`] : []),
          `pack:        ${detail.pack_ref}`,
          `registered:  ${detail.created_at}`,
          `id:          ${detail.id}`,
          '',
          '',
        ];
        ctx.stdout.write(lines.join('\n'));
        const rows = Object.entries(detail.parameters).map(([name, spec]) => [name, spec.type ?? '-', spec.required === true ? 'yes' : 'no', spec.description ?? '']);
        ctx.stdout.write(formatTable([{ header: 'parameter' }, { header: 'type' }, { header: 'required' }, { header: 'description' }], rows, { width: terminalWidth(ctx) }));
      });
    },
  );

  withRemoteOptions(template.command('instantiate').description('register the workflow a template yields for some parameter values').argument('<id>', 'template ref or id'))
    .option('--params <json>', 'parameter values as a JSON object, or @file.json', jsonObjectParser(ctx.cwd), {})
    .option('--name <name>', 'name of the workflow to create')
    .action(async (id: string, flags: RemoteFlags & { params: Record<string, unknown>; name?: string }) => {
      await runWithHarmonia(ctx, flags, async (api) => {
        const workflow = await api.instantiateTemplate(id, flags.params, flags.name !== undefined ? { name: flags.name } : {});
        if (flags.json) return printJson(ctx, workflow);
        ctx.stdout.write(`registered workflow ${workflow.ref} version ${workflow.version} (id ${workflow.workflow_id})\n`);
        ctx.stdout.write(`run it: harmonia workflow run ${workflow.ref}\n`);
      });
    });
}
