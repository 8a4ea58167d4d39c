import { resolve } from 'node:path';
import type { Command } from 'commander';
import { HarmoniaError } from '../../core/errors.js';
import type { CliContext } from '../cli-context.js';
import { formatTable } from '../output/table.js';

const HELP = `
Manages the API tokens the server accepts besides HARMONIA_API_TOKENS. A token is
printed once, when it is created; only its sha256 hash is stored, in
<data dir>/tokens.json. The server notices changes to that file without a restart.

Scopes: read (GET), write (create, run, control), admin (everything, packs and tokens).

Examples:
  $ harmonia token create --scope read --label grafana
  $ harmonia token create --scope write --expires-in 86400
  $ harmonia token list
  $ harmonia token revoke tok_1a2b3c4d`;

/** Registers `harmonia token create | list | revoke`. */
export function registerTokenCommand(program: Command, ctx: CliContext): void {
  const token = program.command('token').description('create, list and revoke API tokens').addHelpText('after', HELP);
  const fileOf = async () => {
    const { tokenFilePath } = await import('../../server/tokens.js');
    return tokenFilePath(resolve(ctx.cwd, ctx.config().data_dir));
  };

  token
    .command('create')
    .description('create a token and print it once')
    .option('--scope <scope...>', 'read, write, admin, approve or trigger (repeatable)', ['read', 'write'])
    .option('--label <label>', 'what the token is for')
    .option('--expires-in <seconds>', 'lifetime in seconds (default: never expires)')
    .option('--json', 'print JSON')
    .action(async (flags: { scope: string[]; label?: string; expiresIn?: string; json?: boolean }) => {
      const { createToken, SCOPES } = await import('../../server/tokens.js');
      const scopes = flags.scope.flatMap((s) => s.split(/[+,]/)).filter(Boolean);
      const unknown = scopes.find((s) => !(SCOPES as readonly string[]).includes(s));
      if (unknown !== undefined) throw new HarmoniaError('USAGE_INVALID', `unknown scope '${unknown}'; use read, write, admin, approve or trigger`);
      const expires = flags.expiresIn === undefined ? undefined : Number(flags.expiresIn);
      const created = createToken(await fileOf(), {
        scopes: scopes as (typeof SCOPES)[number][],
        ...(flags.label === undefined ? {} : { label: flags.label }),
        ...(expires === undefined ? {} : { expires_in_seconds: expires }),
      });
      if (flags.json) {
        ctx.stdout.write(JSON.stringify({ token: created.token, ...created.record, sha256: undefined }, null, 2) + '\n');
        return;
      }
      ctx.stdout.write(`${created.token}\n`);
      ctx.stderr.write(
        `token ${created.record.id} (${created.record.scopes.join('+')}) created; it is shown only now, store it safely\n`,
      );
    });

  token
    .command('list')
    .description('list tokens (never their text)')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const { listTokens } = await import('../../server/tokens.js');
      const tokens = listTokens(await fileOf()).map(({ sha256: _hash, ...rest }) => rest);
      if (flags.json) {
        ctx.stdout.write(JSON.stringify(tokens, null, 2) + '\n');
        return;
      }
      const rows = tokens.map((t) => [
        t.id,
        `${t.hint}…`,
        t.scopes.join('+'),
        t.label ?? '',
        t.expires_at ?? 'never',
        t.revoked_at === null ? 'active' : `revoked ${t.revoked_at}`,
      ]);
      ctx.stdout.write(
        formatTable(
          [{ header: 'id' }, { header: 'starts with' }, { header: 'scopes' }, { header: 'label' }, { header: 'expires' }, { header: 'status' }],
          rows,
        ),
      );
    });

  token
    .command('revoke <id>')
    .description('revoke a token by its id')
    .action(async (id: string) => {
      const { revokeToken } = await import('../../server/tokens.js');
      const record = revokeToken(await fileOf(), id);
      ctx.stdout.write(`revoked ${record.id}\n`);
    });
}
