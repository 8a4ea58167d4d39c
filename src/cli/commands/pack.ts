import type { Command } from 'commander';
import type { Store } from '../../store/store.js';
import type { CliContext } from '../cli-context.js';
import { withStore } from '../open-store.js';
import { formatTable } from '../output/table.js';
import { explicitRemoteTarget, withServerOptions } from './remote-client.js';
import { runRemotePackList } from './remote-pack.js';

const HELP = `
Lists registered packs with how many workflows, templates and actions each has.

Examples:
  $ harmonia pack list
  $ harmonia pack list --json | jq '.[].ref'`;

/** One row of `harmonia pack list`. */
export interface PackListing {
  ref: string;
  version: string;
  label: string | null;
  description: string | null;
  workflows: number;
  templates: number;
  actions: number;
  updated_at: string;
}

/** Registers `harmonia pack list`. */
export function registerPackCommand(program: Command, ctx: CliContext): void {
  const pack = program
    .command('pack')
    .description('inspect registered packs')
    .addHelpText('after', '\nExamples:\n  $ harmonia pack list\n  $ harmonia pack list --json');
  withServerOptions(pack.command('list'))
    .description('list registered packs')
    .option('--json', 'print JSON')
    .addHelpText('after', HELP)
    .action(async (flags: { json?: boolean; url?: string; token?: string }) => {
      if (explicitRemoteTarget(ctx, flags)) return runRemotePackList(ctx, flags);
      await withStore(ctx.config(), ctx.cwd, async (store) => {
        const listings = await listPackListings(store);
        if (flags.json) {
          ctx.stdout.write(JSON.stringify(listings, null, 2) + '\n');
          return;
        }
        if (listings.length === 0) {
          ctx.stderr.write('no packs registered; run `harmonia sync`\n');
          return;
        }
        ctx.stdout.write(packTable(listings));
      });
    });
}

/** Every registered pack with its definition counts, ordered by ref. */
export async function listPackListings(store: Store): Promise<PackListing[]> {
  const listings: PackListing[] = [];
  for (const record of await store.registry.listPacks()) {
    listings.push({
      ref: record.ref,
      version: record.manifest.version,
      label: record.manifest.label ?? null,
      description: record.manifest.description ?? null,
      workflows: await store.registry.countByPack('workflow', record.ref),
      templates: await store.registry.countByPack('template', record.ref),
      actions: await store.registry.countByPack('action', record.ref),
      updated_at: record.updated_at,
    });
  }
  return listings.sort((a, b) => a.ref.localeCompare(b.ref));
}

/** The human table of packs (also printed by `harmonia start`). */
export function packTable(listings: readonly PackListing[]): string {
  return formatTable(
    [
      { header: 'pack' },
      { header: 'version' },
      { header: 'workflows', align: 'right' },
      { header: 'templates', align: 'right' },
      { header: 'actions', align: 'right' },
      { header: 'description' },
    ],
    listings.map((p) => [
      p.ref,
      p.version,
      String(p.workflows),
      String(p.templates),
      String(p.actions),
      p.description ?? p.label ?? '',
    ]),
  );
}
