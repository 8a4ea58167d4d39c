import { errorOfEvent, itemIndexOf } from '../../core/events.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { ExecutionEvent } from '../../core/model.js';
import { HarmoniaError } from '../../core/errors.js';
import { EXIT, type CliContext, type OutputStream } from '../cli-context.js';
import { withStore } from '../open-store.js';
import { createLocalEngine } from './local-engine.js';

interface RunFlags {
  input?: string;
  inputFile?: string;
  json?: boolean;
  quiet?: boolean;
}

const HELP = `
Runs a registered workflow here, with the embedded store, and waits for it: one
line per task as it starts, finishes, retries or is skipped (on stderr), then the
execution's output as JSON (on stdout). Run \`harmonia sync\` first. Ctrl-C cancels
the execution (its on_error handlers still run). core.http reaches loopback and
private addresses only with HARMONIA_HTTP_ALLOW_PRIVATE=true. It is an engine of its
own: while \`harmonia serve\` holds the same data directory it stops with STORE_LOCKED
(run the workflow there with \`harmonia workflow run REF --wait --url ...\`). A failed
task's last log lines are printed under the error; \`harmonia logs ID\` shows the rest.

Exit codes: 0 completed, 1 failed or canceled, 2 usage or internal error.

Examples:
  $ harmonia run demo.data_pipeline --input '{"source": "s3://bucket/data.csv"}'
  $ harmonia run ci_cd.deploy_app --input-file input.json --json | jq .status`;

function readInputFile(path: string, given: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
    throw new HarmoniaError('USAGE_INVALID', `cannot read --input-file '${given}' (${reason}); pass a readable JSON file`);
  }
}

function parseInput(flags: RunFlags, cwd: string): Record<string, unknown> {
  const text = flags.inputFile !== undefined ? readInputFile(resolve(cwd, flags.inputFile), flags.inputFile) : flags.input;
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new HarmoniaError('USAGE_INVALID', `--input is not JSON: ${(cause as Error).message}; pass an object like '{"env": "staging"}'`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HarmoniaError('USAGE_INVALID', `--input must be a JSON object, got ${JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}

/** One progress line for an event, or null for events not worth a line. */
export function progressLine(event: ExecutionEvent, label: string): string | null {
  const task = `${label}${event.task_id ?? ''}`;
  const itemNo = itemIndexOf(event);
  const item = itemNo !== undefined ? `[${itemNo}]` : '';
  const error = errorOfEvent(event);
  const why = `${error?.type ?? ''} ${error?.message ?? ''}`;
  switch (event.event_type) {
    case 'task_started':
      if (event.data.items) return `  ▸ ${task} fans out over ${event.data.items.length} items`;
      return `  ▸ ${task}${item} started (attempt ${event.data.attempt})`;
    case 'task_completed':
      return `  ✓ ${task}${item} completed`;
    case 'task_failed':
      return `  ✗ ${task}${item} ${event.data.canceled === true ? 'canceled' : 'failed'}: ${why}`.trimEnd();
    case 'retry_attempted':
      return `  ↻ ${task}${item} retries in ${event.data.delay_ms} ms (attempt ${event.data.attempt}): ${why}`.trimEnd();
    case 'task_skipped':
      return `  – ${task} skipped (${event.data.reason})`;
    case 'workflow_started':
      return label === '' ? null : `  ▸ ${label.slice(0, -1)} sub-workflow ${event.data.workflow_ref} started`;
    case 'workflow_failed':
      return label === '' ? `  ✗ failed: ${why}` : null;
    case 'workflow_canceled':
      return label === '' ? '  ✗ canceled' : null;
    default:
      return null;
  }
}

/** Runs one workflow to its end and prints progress and output; resolves to the exit code. */
export async function runWorkflow(ref: string, flags: RunFlags, ctx: CliContext, signals?: NodeJS.Process): Promise<number> {
  const config = ctx.config();
  const input = parseInput(flags, ctx.cwd);
  const progress: OutputStream = ctx.stderr;
  return withStore(config, ctx.cwd, async (store) => {
    store.claimEngine?.({ pid: process.pid, command: `harmonia run ${ref}` });
    const engine = await createLocalEngine(ctx, config, store);
    const labels = new Map<string, string>();
    let rootId: string | null = null;
    const off = engine.bus.subscribe({}, (event) => {
      if (event.event_type === 'workflow_started') {
        const { parent_task_id: parentTask, parent_execution_id: parent } = event.data;
        labels.set(event.execution_id, typeof parentTask === 'string' && typeof parent === 'string' ? `${labels.get(parent) ?? ''}${parentTask}/` : '');
      }
      if (flags.quiet) return;
      const line = progressLine(event, labels.get(event.execution_id) ?? '');
      if (line !== null) progress.write(`${line}\n`);
    });
    const onInterrupt = (): void => {
      if (rootId !== null) void engine.cancel(rootId).catch(() => undefined);
    };
    signals?.once('SIGINT', onInterrupt);
    try {
      // A pack with a bad file registered none of its changes: say which version runs.
      const { staleDefinitionNote } = await import('../../packs/stale-definition.js');
      const note = await staleDefinitionNote(store, resolve(ctx.cwd, config.packs_dir), ref).catch(() => null);
      if (note !== null) ctx.stderr.write(`warning: ${note}\n`);
      // The start use-case every edge shares: the same refusals (unknown ref, bad input, a template body).
      const { createExecutionStartUseCases } = await import('../../app/execution-start-use-cases.js');
      const started = await createExecutionStartUseCases(store, engine).executeWorkflow({ workflow_ref: ref, input });
      rootId = started.id;
      if (!flags.quiet) progress.write(`execution ${started.id} of ${started.workflow_ref} v${started.workflow_version}\n`);
      // Output and errors are shown as stored: with every known secret masked.
      const done = engine.secrets.maskValue(await engine.waitForCompletion(started.id));
      if (flags.json) ctx.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
      else if (done.status === 'completed') ctx.stdout.write(`${JSON.stringify(done.output ?? {}, null, 2)}\n`);
      if (!flags.json && done.status !== 'completed') {
        ctx.stderr.write(`harmonia: execution ${done.id} ${done.status}${done.error ? `: ${done.error.type} ${done.error.message}` : ''}\n`);
        const { failedTaskTails, printTaskTails } = await import('./logs.js');
        printTaskTails(ctx.stderr, ctx.env, await failedTaskTails(engine, done.id), (task) => `harmonia logs ${done.id} ${task}`);
      }
      return done.status === 'completed' ? EXIT.ok : EXIT.problems;
    } finally {
      signals?.off('SIGINT', onInterrupt);
      off();
      await engine.stop();
    }
  });
}

/** Registers `harmonia run REF`. */
export function registerRunCommand(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('run a registered workflow locally and wait for its output')
    .argument('<ref>', 'workflow ref, e.g. my_pack.deploy_app')
    .option('-i, --input <json>', 'the execution input as a JSON object')
    .option('--input-file <file>', 'read the input from a JSON file')
    .option('--json', 'print the whole execution record as JSON')
    .option('-q, --quiet', 'no progress lines')
    .addHelpText('after', HELP)
    .action(async (ref: string, flags: RunFlags) => {
      ctx.exitCode = await runWorkflow(ref, flags, ctx, process);
    });
}
