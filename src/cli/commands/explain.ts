/**
 * `harmonia explain EXECUTION_ID`: the configured model reads an execution's statuses,
 * errors and history and says why it failed. Locally it reads the configured store; with
 * --url the server does it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createClient } from '../../client/client.js';
import { llmConfigOf } from '../../config.js';
import { HarmoniaError } from '../../core/errors.js';
import type { ExplanationView } from '../../core/wire.js';
import { EXIT, type CliContext } from '../cli-context.js';
import { withStore } from '../open-store.js';
import { explicitRemoteTarget, printJson, runRemote, withRemoteOptions, type RemoteFlags } from './remote-client.js';
import { shortExecutionIdHook } from './execution-id-arg.js';

interface ExplainFlags extends RemoteFlags {
  model?: string;
}

const HELP = `
Only statuses, error messages and the event history are sent to the model, never task
inputs or outputs. Settings: HARMONIA_LLM_BASE_URL, HARMONIA_LLM_MODEL, HARMONIA_LLM_API_KEY.

Examples:
  $ harmonia explain 0b6f5c1e-...
  $ harmonia explain 0b6f5c1e-... --url http://127.0.0.1:8002 --json`;

/** Registers `harmonia explain`. */
export function registerExplainCommand(program: Command, ctx: CliContext): void {
  withRemoteOptions(
    program
      .command('explain')
      .description('ask the configured model why an execution failed')
      .argument('<execution-id>', 'execution id')
      .option('--model <model>', 'model to ask (default: HARMONIA_LLM_MODEL)'),
  )
    .addHelpText('after', HELP)
    .hook('preAction', shortExecutionIdHook(ctx))
    .action(async (id: string, flags: ExplainFlags) => {
      const remote = explicitRemoteTarget(ctx, flags);
      if (remote) {
        await runRemote(ctx, flags, async (_client, where) => {
          const client = createClient({ baseUrl: where.url, ...(where.token !== null ? { token: where.token } : {}), timeoutMs: 0 });
          print(ctx, flags, await client.explainExecution(id, flags.model === undefined ? {} : { model: flags.model }));
        });
        return;
      }
      const config = ctx.config();
      const { chatClientFromSettings } = await import('../../llm/chat-client.js');
      const llm = chatClientFromSettings(llmConfigOf(config, (file) => readFileSync(resolve(ctx.cwd, file), 'utf8')));
      if (llm === null) {
        throw new HarmoniaError('LLM_NOT_CONFIGURED', 'no model server is configured: set HARMONIA_LLM_BASE_URL and HARMONIA_LLM_MODEL (see docs/llm.md)');
      }
      const { explainExecution, gatherExecutionFacts } = await import('../../llm/explain-execution.js');
      const { createEngine } = await import('../../engine/engine.js');
      const result = await withStore(config, ctx.cwd, async (store) => {
        // Never started: it only reads the execution's history.
        const engine = createEngine({ store, actions: { resolve: () => ({ run: () => Promise.reject(new Error('explain runs no task')) }) } });
        const facts = await gatherExecutionFacts(engine, id);
        return explainExecution(llm, facts, flags.model === undefined ? {} : { model: flags.model });
      });
      print(ctx, flags, { ...result, facts: { ...result.facts } });
      ctx.exitCode = EXIT.ok;
    });
}

function print(ctx: CliContext, flags: ExplainFlags, result: ExplanationView): void {
  if (flags.json) {
    printJson(ctx, result);
    return;
  }
  ctx.stdout.write(`execution ${result.execution_id} (${result.status})\n\n${result.explanation}\n`);
  ctx.stderr.write(`model ${result.model}, ${result.usage.total_tokens} tokens\n`);
}
