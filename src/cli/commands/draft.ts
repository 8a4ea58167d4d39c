/**
 * `harmonia draft "<what>" --pack PACK`: the configured model writes a workflow for a
 * pack; the validator checks each draft and its diagnostics go back to the model until
 * a draft is valid or the attempts run out. The file is written only when valid.
 * With --url the server drafts (against its copy of the pack) and the file is written here.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { llmConfigOf } from '../../config.js';
import { HarmoniaError } from '../../core/errors.js';
import type { DraftView } from '../../core/wire.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { formatText } from '../format/text.js';
import { shouldUseColor } from '../output/colors.js';
import { explicitRemoteTarget, printJson, runRemote, withRemoteOptions, type RemoteFlags } from './remote-client.js';
import { createClient } from '../../client/client.js';

interface DraftFlags extends RemoteFlags {
  pack: string;
  name?: string;
  attempts: number;
  model?: string;
  dryRun?: boolean;
  force?: boolean;
}

const HELP = `
The model is told our workflow format, the built-in actions and the pack's own actions,
templates and workflows with their parameters. Each draft is checked by the same
validator as \`harmonia validate\`; its diagnostics are sent back until a draft is valid
or --attempts drafts were made. Settings: HARMONIA_LLM_BASE_URL, HARMONIA_LLM_MODEL,
HARMONIA_LLM_API_KEY (or HARMONIA_LLM_API_KEY_FILE).

Examples:
  $ harmonia draft "every night, fetch yesterday's orders and post a summary" --pack data_pipeline
  $ harmonia draft "health-check the API and roll back on failure" --pack ci_cd --name guarded_deploy --dry-run`;

const NAME = /^[a-z][a-z0-9_]*$/;

function parseAttempts(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 10) throw new InvalidArgumentError(`expected a number of drafts from 1 to 10, got '${value}'`);
  return Number(value);
}

function parseName(value: string): string {
  if (!NAME.test(value)) throw new InvalidArgumentError(`'${value}' is not a workflow name: lower case letters, digits and _, starting with a letter`);
  return value;
}

/** Registers `harmonia draft`. */
export function registerDraftCommand(program: Command, ctx: CliContext): void {
  withRemoteOptions(
    program
      .command('draft')
      .description('ask the configured model for a workflow of a pack, validated before it is written')
      .argument('<description>', 'what the workflow should do')
      .requiredOption('--pack <pack>', 'the pack the workflow belongs to')
      .option('--name <name>', 'file name without extension (default: from the draft)', parseName)
      .option('--attempts <n>', 'drafts to ask for before giving up (1-10)', parseAttempts, 3)
      .option('--model <model>', 'model to ask (default: HARMONIA_LLM_MODEL)')
      .option('--dry-run', 'print the draft instead of writing it')
      .option('--force', 'replace an existing workflow file of that name'),
  )
    .addHelpText('after', HELP)
    .action(async (description: string, flags: DraftFlags) => {
      if (!NAME.test(flags.pack)) throw new HarmoniaError('USAGE_INVALID', `'${flags.pack}' is not a pack ref: lower case letters, digits and _`);
      const config = ctx.config();
      const packDir = resolve(ctx.cwd, config.packs_dir, flags.pack);
      const target = (path: string) => join(packDir, path);
      if (flags.name !== undefined && !flags.dryRun && !flags.force && existsSync(target(`workflows/${flags.name}.yaml`))) {
        throw new HarmoniaError('USAGE_INVALID', `workflow '${flags.pack}.${flags.name}' exists; pass --force to replace it or pick another --name`);
      }
      const progress = (a: DraftView['attempts'][number]) => {
        if (flags.json) return;
        ctx.stderr.write(`draft ${a.attempt}: ${a.valid ? 'valid' : `${a.errors} error(s)`}${a.warnings ? `, ${a.warnings} warning(s)` : ''}${a.codes.length && !a.valid ? ` (${a.codes.join(', ')})` : ''}\n`);
      };
      const request = {
        description,
        pack: flags.pack,
        ...(flags.name === undefined ? {} : { name: flags.name }),
        max_attempts: flags.attempts,
        ...(flags.model === undefined ? {} : { model: flags.model }),
      };
      const remote = explicitRemoteTarget(ctx, flags);
      if (remote) {
        await runRemote(ctx, flags, async (_client, where) => {
          // Drafting is several model calls: the server bounds each, the client waits for all.
          const client = createClient({ baseUrl: where.url, ...(where.token !== null ? { token: where.token } : {}), timeoutMs: 0 });
          const result = await client.draftWorkflow(request);
          result.attempts.forEach(progress);
          // No local copy of the pack: print the draft rather than start a pack folder.
          return finish(ctx, existsSync(packDir) ? flags : { ...flags, dryRun: true }, result, packDir);
        });
        return;
      }
      const { chatClientFromSettings } = await import('../../llm/chat-client.js');
      const { readFileSync } = await import('node:fs');
      const llm = chatClientFromSettings(llmConfigOf(config, (file) => readFileSync(resolve(ctx.cwd, file), 'utf8')));
      if (llm === null) {
        throw new HarmoniaError('LLM_NOT_CONFIGURED', 'no model server is configured: set HARMONIA_LLM_BASE_URL and HARMONIA_LLM_MODEL (see docs/llm.md)');
      }
      if (!existsSync(packDir)) {
        throw new HarmoniaError('PACK_NOT_FOUND', `unknown pack '${flags.pack}'; expected a folder '${relative(ctx.cwd, packDir) || packDir}'`);
      }
      const { loadPackContext } = await import('../../llm/pack-catalogue.js');
      const { draftWorkflow } = await import('../../llm/draft-workflow.js');
      const pack = await loadPackContext(packDir, { displayDir: relative(ctx.cwd, packDir) || packDir, max_file_size: config.max_file_size });
      const result = await draftWorkflow({ client: llm, ...request, pack, on_attempt: progress });
      ctx.exitCode = finish(ctx, flags, result, packDir);
    });
}

function finish(ctx: CliContext, flags: DraftFlags, result: DraftView, packDir: string): number {
  const file = join(packDir, result.file);
  const shown = relative(ctx.cwd, file) || file;
  const written = result.valid && !flags.dryRun;
  if (written) {
    mkdirSync(join(packDir, 'workflows'), { recursive: true });
    writeFileSync(file, result.yaml);
  }
  if (flags.json) {
    printJson(ctx, { ...result, written: written ? shown : null });
    return result.valid ? EXIT.ok : EXIT.problems;
  }
  const tries = `${result.attempts.length} draft${result.attempts.length === 1 ? '' : 's'}`;
  const cost = `model ${result.model}, ${result.usage.total_tokens} tokens`;
  if (!result.valid) {
    ctx.stderr.write(formatText(result.diagnostics, { color: shouldUseColor(ctx.stderr.isTTY ?? false, ctx.env), summary: true }));
    ctx.stdout.write(result.yaml);
    ctx.stderr.write(`no valid workflow after ${tries} (${cost}); nothing was written. The last draft is above.\n`);
    return EXIT.problems;
  }
  if (flags.dryRun) {
    ctx.stdout.write(result.yaml);
    ctx.stderr.write(`valid workflow ${result.ref} after ${tries} (${cost}); not written (--dry-run). It belongs in ${shown}\n`);
    return EXIT.ok;
  }
  ctx.stdout.write(`wrote ${shown}: workflow ${result.ref}, valid after ${tries} (${cost})\n`);
  if (result.diagnostics.length > 0) ctx.stderr.write(formatText(result.diagnostics, { color: shouldUseColor(ctx.stderr.isTTY ?? false, ctx.env), summary: true }));
  ctx.stdout.write(`next: harmonia validate ${relative(ctx.cwd, packDir) || packDir} && harmonia sync\n`);
  return EXIT.ok;
}
