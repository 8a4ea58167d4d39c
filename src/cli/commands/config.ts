import type { Command } from 'commander';
import { CONFIG_KEYS, maskConfig } from '../../config.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../output/table.js';

const HELP = `
Prints every setting with its value and where it came from (flag, env, file or
default). Secrets (tokens, the webhook secret, the database password) are masked.

Examples:
  $ harmonia config
  $ HARMONIA_PORT=9000 harmonia config --json | jq .port`;

/** Registers `harmonia config`. */
export function registerConfigCommand(program: Command, ctx: CliContext): void {
  program
    .command('config')
    .description('show the resolved settings (secrets masked)')
    .option('--json', 'print JSON')
    .addHelpText('after', HELP)
    .action((flags: { json?: boolean }) => {
      const config = maskConfig(ctx.config());
      if (flags.json) {
        ctx.stdout.write(JSON.stringify(config, null, 2) + '\n');
        return;
      }
      const rows = CONFIG_KEYS.map(({ key, env }) => [env, displayValue(config[key]), config.sources[key]]);
      ctx.stdout.write(formatTable([{ header: 'variable' }, { header: 'value' }, { header: 'source' }], rows));
    });
}

function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '(unset)';
  if (Array.isArray(value)) return value.length ? value.join(',') : '(none)';
  return String(value);
}
