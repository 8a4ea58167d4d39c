/**
 * `core.llm`: one conversation with the configured OpenAI-compatible model server.
 * `${...}` in the prompt is evaluated by the engine like any task input, before this runs.
 * With a `response_schema` the reply is parsed and validated, and a reply that does not
 * match is answered with the validation errors and asked again, up to max_schema_attempts.
 *
 * Streaming: replies are read whole. When tasks get a log, pass `stream: true` to the
 * chat client and forward the deltas there (the seam is ChatClient.complete).
 */
import type { AttemptUsage, TaskResult } from '../core/model.js';
import type { ChatClient } from '../llm/chat-client.js';
import { addUsage, NO_USAGE, type ChatMessage, type ChatUsage } from '../llm/chat-types.js';
import { parseJsonReply } from '../llm/json-reply.js';
import { isLlmError } from '../llm/llm-error.js';
import { compileJsonSchema } from '../packs/validate-schema.js';
import type { ActionContext, ActionHandler } from './action.js';
import { readLlmInput } from './core-llm-input.js';
import { errorResult, successResult } from './task-result.js';

function schemaInstruction(schema: Record<string, unknown>): string {
  return `Reply with only a JSON value, no prose and no code fence, that matches this JSON Schema:\n${JSON.stringify(schema)}`;
}

// A reply can fail a schema in thousands of places (a long list of wrong items): the error,
// the log line and the re-ask name the first few, each cut short, and count the rest.
const MAX_PROBLEMS = 10;
const MAX_PROBLEM_LENGTH = 200;

function listProblems(problems: string[]): string {
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => (p.length > MAX_PROBLEM_LENGTH ? `${p.slice(0, MAX_PROBLEM_LENGTH)}…` : p));
  const more = problems.length - shown.length;
  return `${shown.join('; ')}${more > 0 ? ` (and ${more} more)` : ''}`;
}

function withSystem(messages: ChatMessage[], text: string): ChatMessage[] {
  const [first, ...rest] = messages;
  if (first?.role === 'system') return [{ role: 'system', content: `${first.content}\n\n${text}` }, ...rest];
  return [{ role: 'system', content: text }, ...messages];
}

// A failed attempt still cost what the server billed: the failure carries it, so the execution's usage counts it.
function failedWith(result: TaskResult, spent: { usage: ChatUsage; requests: number; model: string | null }): TaskResult {
  if (result.status !== 'error' || spent.requests === 0) return result;
  const usage: AttemptUsage = { model: spent.model, requests: spent.requests, ...spent.usage };
  return { ...result, usage };
}

/** Creates core.llm over a chat client; null when no model server is configured (the task then fails, not retriable). */
export function createLlmAction(client: ChatClient | null): ActionHandler {
  return {
    async run(input: Record<string, unknown>, ctx: ActionContext): Promise<TaskResult> {
      const read = readLlmInput(input);
      if (typeof read === 'string') return errorResult('ACTION_INPUT_INVALID', read, false);
      if (client === null) {
        return errorResult('LLM_NOT_CONFIGURED', 'core.llm needs a model server: set HARMONIA_LLM_BASE_URL (and HARMONIA_LLM_MODEL)', false);
      }
      const schema = read.response_schema;
      const compiled = schema === undefined ? null : await compileJsonSchema(schema);
      if (compiled !== null && !compiled.ok) return errorResult('ACTION_INPUT_INVALID', `'response_schema' is ${compiled.message}`, false);
      let messages = schema === undefined ? read.messages : withSystem(read.messages, schemaInstruction(schema));
      let usage = NO_USAGE;
      let requests = 0;
      let answeredBy: string | null = null;
      let problems: string[] = [];
      const attempts = compiled === null ? 1 : read.max_schema_attempts;
      for (let attempt = 1; attempt <= attempts; attempt++) {
        let reply;
        const asked = Date.now();
        ctx.log?.('system', `asking ${read.model ?? client.default_model ?? 'the default model'}${attempts > 1 ? ` (schema try ${attempt} of ${attempts})` : ''}`);
        // The reply goes to the task log line by line as it streams in.
        let partial = '';
        const onText = (piece: string): void => {
          // Only the new piece is searched: re-splitting a long unfinished line on every piece was quadratic.
          const cut = piece.lastIndexOf('\n');
          if (cut < 0) {
            partial += piece;
            return;
          }
          const lines = (partial + piece.slice(0, cut)).split('\n');
          partial = piece.slice(cut + 1);
          for (const line of lines) ctx.log?.('stdout', client.hide(line));
        };
        try {
          reply = await client.complete(
            {
              ...(ctx.log ? { on_text: onText } : {}),
              messages,
              ...(read.model === undefined ? {} : { model: read.model }),
              ...(read.temperature === undefined ? {} : { temperature: read.temperature }),
              ...(read.max_tokens === undefined ? {} : { max_tokens: read.max_tokens }),
            },
            ctx.signal,
          );
        } catch (error) {
          if (isLlmError(error)) {
            ctx.log?.('system', `${error.error_type}: ${error.message}`);
            const spent = { usage: addUsage(usage, error.usage ?? NO_USAGE), requests: requests + error.requests, model: error.model ?? answeredBy };
            return failedWith(errorResult(error.error_type, error.message, error.retriable), spent);
          }
          throw error;
        }
        if (partial !== '') ctx.log?.('stdout', client.hide(partial));
        ctx.log?.('system', `${reply.model} answered in ${Date.now() - asked} ms: ${reply.usage.prompt_tokens} prompt + ${reply.usage.completion_tokens} completion tokens, finish ${reply.finish_reason ?? 'unknown'}`);
        usage = addUsage(usage, reply.usage);
        requests += reply.requests;
        answeredBy = reply.model;
        const base = { text: reply.text, model: reply.model, usage, finish_reason: reply.finish_reason, requests, schema_attempts: attempt };
        const spent: AttemptUsage = { model: reply.model, requests, ...usage };
        if (compiled === null) return { ...successResult(base), usage: spent };
        const parsed = parseJsonReply(reply.text);
        problems = parsed.ok ? compiled.check(parsed.value) : [parsed.message];
        // Asking again with the same max_tokens gets the same cut reply: say so, for the re-ask and the error.
        if (reply.finish_reason === 'length' && problems.length > 0) {
          problems = [`the reply was cut off at max_tokens (finish_reason 'length')${read.max_tokens === undefined ? '' : `; max_tokens is ${read.max_tokens}`}`, ...problems];
        }
        if (parsed.ok && problems.length === 0) return { ...successResult({ ...base, data: parsed.value }), usage: spent };
        ctx.log?.('system', `the reply does not match response_schema: ${listProblems(problems)}`);
        messages = [
          ...messages,
          { role: 'assistant', content: reply.text },
          {
            role: 'user',
            content: `That reply does not match the JSON Schema: ${listProblems(problems)}. Reply again with only the corrected JSON.`,
          },
        ];
      }
      const mismatch = errorResult(
        'LLM_SCHEMA_MISMATCH',
        `the model's reply did not match 'response_schema' after ${attempts} ${attempts === 1 ? 'try' : 'tries'}: ${listProblems(problems)}`,
        true,
      );
      return failedWith(mismatch, { usage, requests, model: answeredBy });
    },
  };
}
