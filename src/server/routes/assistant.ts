/**
 * /api/assistant: the console's chat panel and `harmonia draft|explain --url` — draft a
 * workflow for a pack, explain an execution, and say whether a model is configured.
 * Drafts are returned, never written: the pack folder may be a git checkout, and a
 * draft becomes a workflow through the usual commit or PUT.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { HarmoniaError } from '../../core/errors.js';
import type { DraftView, ExplanationView } from '../../core/wire.js';
import type { ChatClient } from '../../llm/chat-client.js';
import { draftWorkflow } from '../../llm/draft-workflow.js';
import { explainExecution, gatherExecutionFacts } from '../../llm/explain-execution.js';
import { loadPackContext } from '../../llm/pack-catalogue.js';
import { knownRefs } from '../../registry/known-refs.js';
import { defineRoutes, type AppServices, type RouteRequest } from '../route.js';

const notConfigured = { description: 'No model server is configured (LLM_NOT_CONFIGURED).', schema: 'Error' };
const modelFailed = { description: 'The model server failed or refused (LLM_FAILED).', schema: 'Error' };
const modelTimedOut = { description: 'The model server did not answer within HARMONIA_LLM_TIMEOUT_MS (TIMEOUT).', schema: 'Error' };

function clientOf(services: AppServices): ChatClient {
  const client = services.assistant.llm;
  if (client === null) {
    throw new HarmoniaError('LLM_NOT_CONFIGURED', 'no model server is configured: set HARMONIA_LLM_BASE_URL and HARMONIA_LLM_MODEL on the server');
  }
  return client;
}

// The model call stops when the caller goes away: a long draft is not paid for unseen.
function callerSignal(request: RouteRequest): AbortSignal {
  const controller = new AbortController();
  const res = request.koa.res;
  res.once('close', () => {
    if (!res.writableFinished) controller.abort('the client disconnected');
  });
  return controller.signal;
}

/** The assistant routes. */
export function assistantRoutes() {
  return defineRoutes([
    {
      method: 'GET',
      path: '/assistant',
      base: 'api',
      scope: 'read',
      tag: 'assistant',
      summary: 'Whether a model server is configured, and its default model.',
      responses: { 200: { description: 'The assistant status.', schema: 'AssistantStatus' } },
      handler: async (_request, services) => {
        const client = services.assistant.llm;
        return { body: { configured: client !== null, model: client?.default_model ?? null } };
      },
    },
    {
      method: 'POST',
      path: '/assistant/draft',
      base: 'api',
      scope: 'write',
      tag: 'assistant',
      summary: 'Ask the model for a workflow of a pack, validated and corrected against the validator up to max_attempts times; nothing is written.',
      body: { types: ['json'], schema: 'DraftRequest', required: true },
      responses: {
        200: { description: 'The last draft, with `valid` and its diagnostics.', schema: 'DraftResult' },
        404: { description: 'No such pack folder (PACK_NOT_FOUND).', schema: 'Error' },
        502: modelFailed,
        503: notConfigured,
        504: modelTimedOut,
      },
      handler: async (request, services) => {
        const body = request.body as { description: string; pack: string; name?: string; max_attempts?: number; model?: string };
        const client = clientOf(services);
        const packsDir = services.assistant.packs_dir;
        const dir = packsDir === null ? null : path.join(packsDir, body.pack);
        const isDir = dir !== null && (await stat(dir).then((s) => s.isDirectory(), () => false));
        if (dir === null || !isDir) {
          throw new HarmoniaError('PACK_NOT_FOUND', `unknown pack '${body.pack}'; drafts need the pack's folder on the server`, { details: { pack: body.pack } });
        }
        const known = await knownRefs(services.store, new Set([body.pack]));
        const pack = await loadPackContext(dir, { displayDir: body.pack, known });
        const result = await draftWorkflow({
          client,
          description: body.description,
          pack,
          signal: callerSignal(request),
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.max_attempts === undefined ? {} : { max_attempts: body.max_attempts }),
          ...(body.model === undefined ? {} : { model: body.model }),
        });
        const view: DraftView = result;
        return { body: view };
      },
    },
    {
      method: 'POST',
      path: '/executions/:id/explain',
      base: 'api',
      scope: 'read',
      tag: 'assistant',
      summary: "Ask the model why an execution failed, from its statuses, errors and history (never its inputs or outputs).",
      body: { types: ['json'], schema: 'ExplainRequest', required: false },
      responses: {
        200: { description: 'The explanation and the facts it was given.', schema: 'ExecutionExplanation' },
        404: { description: 'No such execution.', schema: 'Error' },
        502: modelFailed,
        503: notConfigured,
        504: modelTimedOut,
      },
      handler: async (request, services) => {
        // An unknown execution is a 404 whether or not a model is configured.
        const facts = await gatherExecutionFacts(services.engine, request.params.id ?? '');
        const client = clientOf(services);
        const model = (request.body as { model?: string } | undefined)?.model;
        const result = await explainExecution(client, facts, { signal: callerSignal(request), ...(model === undefined ? {} : { model }) });
        const view: ExplanationView = { ...result, facts: { ...result.facts } };
        return { body: view };
      },
    },
  ]);
}
