/**
 * A `webhook:` trigger's delivery: checks its signature against the secret the server
 * holds in the named environment variable, maps the body to the input and starts one
 * execution, recorded as a fire (reason webhook) like a schedule's.
 */
import { HarmoniaError } from '../core/errors.js';
import type { WebhookDef, WorkflowDef } from '../core/model.js';
import type { TriggerFireRecord } from '../core/trigger-model.js';
import type { Clock } from '../engine/clock.js';
import { renderValue } from '../expr/index.js';
import { headerValue, verifyWebhook, type WebhookHeaders } from '../gitops/webhook.js';
import type { Store } from '../store/store.js';
import { executionIdOf, maskedDetail, type TriggerEngine } from './fire-runner.js';
import { fireCoordinatorOf } from './fire-coordinator.js';
import { uniqueFireKey } from './fire-key.js';
import { triggerIdOf } from './trigger-catalogue.js';

export interface ReceiveWebhookOptions {
  store: Store;
  engine: TriggerEngine;
  clock: Clock;
  /** The value of an environment variable on the server (the secret), undefined when unset. */
  secret: (name: string) => string | undefined;
  workflow_ref: string;
  name: string;
  headers: WebhookHeaders;
  rawBody: Buffer;
  /**
   * Parses the verified body: the server's strict reading (declared type, UTF-8, nesting),
   * undefined for an empty one. @default JSON.parse of the bytes as UTF-8
   */
  parse_body?: (raw: Buffer) => unknown;
  /** Told the secret a delivery is checked against, so it is masked wherever it shows up. */
  learn_secret?: (secret: string) => void;
  /** Names this node in the fire. @default 'api' */
  node_id?: string;
  /**
   * The API token (its id) the delivery carried instead of a signature, already checked
   * for the `trigger` scope by the server. @default null: the delivery must be signed
   */
  token_id?: string | null;
}

async function webhookOf(store: Store, workflowRef: string, name: string): Promise<WebhookDef> {
  const record = await store.registry.getActive('workflow', workflowRef);
  const webhook = record ? (record.body as WorkflowDef).triggers?.[name]?.webhook : undefined;
  if (!webhook) throw new HarmoniaError('TRIGGER_NOT_FOUND', `no webhook trigger '${name}' on workflow '${workflowRef}'`, { details: { trigger_id: triggerIdOf(workflowRef, name) } });
  return webhook;
}

function bodyOf(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new HarmoniaError('REQUEST_INVALID', `the webhook body is not JSON: ${(error as Error).message}`);
  }
}

/**
 * A delivery's body as `trigger.body`: the JSON value as sent, whatever it is, and {} for
 * an empty body. Not only objects: generic senders post arrays or scalars, and the
 * orchestrators' webhooks (Argo Workflows' events, Kestra's) take any JSON; an input that
 * maps `${trigger.body}` whole gets it as sent, one that maps `${trigger.body.<field>}` of
 * a value without that field gets no such input (the workflow's required inputs say so).
 * JSON `null` is null (it was read as {}, a sender's mistake hidden).
 */
function webhookBody(parsed: unknown): unknown {
  return parsed === undefined ? {} : parsed;
}

/** What came of a delivery: its fire, and whether it was a delivery received before (nothing started). */
export interface WebhookReceipt {
  fire: TriggerFireRecord;
  /** True when the sender's delivery id was received before: the fire is recorded `skipped`, naming the execution the first started. */
  repeated: boolean;
}

/**
 * Thrown when the trigger does not exist (TRIGGER_NOT_FOUND), the signature is missing or
 * wrong (AUTH_REQUIRED), the server has no secret (AUTH_FORBIDDEN), the body is not JSON
 * (REQUEST_INVALID) or the workflow refuses the mapped input (its code, e.g. EXEC_INPUT_INVALID).
 */
export async function receiveWebhook(options: ReceiveWebhookOptions): Promise<WebhookReceipt> {
  const { store, clock } = options;
  // Authentication comes first, as on every other route: an unsigned request learns nothing, not even whether the trigger exists.
  const tokenId = options.token_id ?? null;
  if (tokenId === null && !['x-hub-signature-256', 'x-harmonia-token'].some((name) => headerValue(options.headers, name) !== undefined)) {
    throw new HarmoniaError(
      'AUTH_REQUIRED',
      "missing webhook signature; expected 'x-hub-signature-256' (HMAC-SHA256 of the body) or 'x-harmonia-token', or, for a trigger with auth: token, an API token with the trigger scope",
    );
  }
  const webhook = await webhookOf(store, options.workflow_ref, options.name);
  let delivery: string;
  // The sender's own id of the delivery (X-GitHub-Delivery, X-Gitea-Delivery, X-GitLab-Event-UUID,
  // X-Harmonia-Delivery ...): a delivery sent again carries the same one. Never the body.
  let deliveryId: string | null;
  if (tokenId !== null) {
    if (webhook.auth === 'signature') {
      throw new HarmoniaError('AUTH_FORBIDDEN', `webhook '${options.name}' accepts only signed deliveries; give it auth: token (or any) to accept API tokens with the trigger scope`);
    }
    deliveryId = headerValue(options.headers, 'x-harmonia-delivery')?.trim() || null;
    delivery = deliveryId === null ? `by token '${tokenId}'` : `${deliveryId} by token '${tokenId}'`;
  } else {
    if (webhook.auth === 'token') {
      throw new HarmoniaError('AUTH_FORBIDDEN', `webhook '${options.name}' accepts only API tokens with the trigger scope (auth: token); send Authorization: Bearer <token>`);
    }
    const secret = options.secret(webhook.secret_env) ?? '';
    if (secret !== '') options.learn_secret?.(secret);
    if (secret === '') throw new HarmoniaError('AUTH_FORBIDDEN', `this server has no secret for webhook '${options.name}' (set ${webhook.secret_env}); its deliveries are refused`);
    const check = verifyWebhook({ headers: options.headers, rawBody: options.rawBody, secret });
    if (!check.ok) throw new HarmoniaError('AUTH_REQUIRED', check.reason);
    deliveryId = check.delivery_id;
    delivery = deliveryId ?? 'unnamed';
  }
  const body = webhookBody(options.parse_body ? options.parse_body(options.rawBody) : bodyOf(options.rawBody));
  const triggerId = triggerIdOf(options.workflow_ref, options.name);
  const receivedMs = clock.now();
  const receivedAt = new Date(receivedMs).toISOString();
  // A delivery with the sender's id starts the execution that id names, on any node: sent
  // again (GitHub's Redeliver, a retry after a timeout), it finds that execution and starts
  // nothing. Without one, every delivery is its own (the fire's key names the execution).
  const namedId = deliveryId === null ? null : executionIdOf(triggerId, `delivery ${deliveryId}`);
  const repeatOf = (executionId: string) => `delivery ${delivery} received again: execution ${executionId} was started for it before`;
  const earlier = namedId !== null && (await store.executions.getExecution(namedId)) !== null;
  const { inFlight } = fireCoordinatorOf(store);
  let fire: TriggerFireRecord;
  let inserted: boolean;
  // Keyed by the receipt's millisecond and random digits below it (fire-key.ts): deliveries in one millisecond do not collide.
  do {
    const scheduledAt = uniqueFireKey(receivedMs);
    fire = {
      trigger_id: triggerId,
      scheduled_at: scheduledAt,
      reason: 'webhook',
      status: earlier ? 'skipped' : 'starting',
      // The execution it is starting, named while it starts: a node that finds it left
      // `starting` (this one died) settles it by whether that execution exists.
      execution_id: earlier ? null : (namedId ?? executionIdOf(triggerId, scheduledAt)),
      source_execution_id: null,
      node_id: options.node_id ?? 'api',
      detail: maskedDetail(options.engine, earlier && namedId !== null ? repeatOf(namedId) : `delivery ${delivery}`),
      created_at: receivedAt,
      updated_at: receivedAt,
    };
    // In flight before it is recorded: this process's own pass never takes it for abandoned.
    inFlight.add(`${triggerId}@${fire.scheduled_at}`);
    inserted = await store.triggers.insertFire(fire);
    if (!inserted || earlier) inFlight.delete(`${triggerId}@${fire.scheduled_at}`);
  } while (!inserted);
  if (earlier) return { fire, repeated: true };
  const key = `${triggerId}@${fire.scheduled_at}`;
  try {
    return await startDelivery(options, webhook, fire, body, receivedAt, namedId, repeatOf);
  } finally {
    inFlight.delete(key);
  }
}

async function startDelivery(
  options: ReceiveWebhookOptions,
  webhook: WebhookDef,
  fire: TriggerFireRecord,
  body: unknown,
  receivedAt: string,
  namedId: string | null,
  repeatOf: (executionId: string) => string,
): Promise<WebhookReceipt> {
  const { store, clock } = options;
  const triggerId = fire.trigger_id;
  const settle = async (patch: Pick<TriggerFireRecord, 'status' | 'execution_id' | 'detail'>): Promise<TriggerFireRecord> => {
    const updated_at = new Date(clock.now()).toISOString();
    const masked = { ...patch, detail: patch.detail === null ? null : maskedDetail(options.engine, patch.detail) };
    await store.triggers.updateFire(triggerId, fire.scheduled_at, { ...masked, updated_at }, { status: 'starting' });
    return { ...fire, ...masked, updated_at };
  };
  try {
    const trigger = { id: triggerId, name: options.name, workflow_ref: options.workflow_ref, received_at: receivedAt, body };
    const input = renderValue(webhook.input, { trigger }, { now: () => new Date(clock.now()) }) as Record<string, unknown>;
    const execution = await options.engine.startExecution({
      workflow_ref: options.workflow_ref,
      input,
      id: fire.execution_id ?? executionIdOf(triggerId, fire.scheduled_at),
      trigger: { id: triggerId, scheduled_at: fire.scheduled_at, reason: 'webhook' },
    });
    return { fire: await settle({ status: 'started', execution_id: execution.id, detail: fire.detail }), repeated: false };
  } catch (error) {
    // The same delivery received at once on this node or another: the other one started it.
    if (namedId !== null && (await store.executions.getExecution(namedId)) !== null) {
      return { fire: await settle({ status: 'skipped', execution_id: null, detail: repeatOf(namedId) }), repeated: true };
    }
    await settle({ status: 'failed', execution_id: null, detail: (error as Error).message });
    throw error;
  }
}

/**
 * Settles the webhook fires among `starting`, the fires left starting past the orphan age (a
 * node died between recording a delivery and settling it): `started` when the execution it was starting exists, else
 * `failed` — the sender got no answer and sends the delivery again, which starts it.
 */
export async function settleAbandonedDeliveries(options: { store: Store; engine: TriggerEngine; clock: Clock; node_id: string; starting: readonly TriggerFireRecord[] }): Promise<TriggerFireRecord[]> {
  const { store, clock } = options;
  const { inFlight } = fireCoordinatorOf(store);
  const settled: TriggerFireRecord[] = [];
  for (const fire of options.starting) {
    if (fire.reason !== 'webhook' || inFlight.has(`${fire.trigger_id}@${fire.scheduled_at}`)) continue;
    const executionId = fire.execution_id ?? executionIdOf(fire.trigger_id, fire.scheduled_at);
    const exists = (await store.executions.getExecution(executionId)) !== null;
    const updated_at = new Date(clock.now()).toISOString();
    const detail = exists
      ? fire.detail
      : maskedDetail(options.engine, `${fire.detail ?? 'delivery'}: node '${fire.node_id}' stopped before starting its execution; the sender's retry of the delivery starts it`);
    const patch = { status: exists ? ('started' as const) : ('failed' as const), execution_id: exists ? executionId : null, detail, node_id: options.node_id, updated_at };
    // Compare-and-set: of two nodes settling it at once, one does.
    if (await store.triggers.updateFire(fire.trigger_id, fire.scheduled_at, patch, { status: 'starting', node_id: fire.node_id, updated_at: fire.updated_at })) {
      settled.push({ ...fire, ...patch });
    }
  }
  return settled;
}
