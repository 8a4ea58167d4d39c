/**
 * JSON Schemas of response bodies, published in the OpenAPI document. They follow
 * the wire types of src/core/wire.ts.
 */

import { ASSISTANT_RESPONSE_SCHEMAS } from './assistant-schemas.js';
import { EVENT_SCHEMAS } from './event-schemas.js';
import { GIT_RESPONSE_SCHEMAS } from './git-schemas.js';
import { SCHEDULE_RESPONSE_SCHEMAS } from './schedule-schemas.js';
import { WAIT_RESPONSE_SCHEMAS } from './wait-schemas.js';

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const bool = { type: 'boolean' } as const;
const obj = { type: 'object' } as const;
const nullableObj = { type: ['object', 'null'] } as const;
const nullable = (schema: object): object => ({ anyOf: [schema, { type: 'null' }] });

/** Every listing's envelope (src/core/wire.ts `Paginated`): one page of items, the total and the page asked for. */
const page = (item: string): object => ({
  type: 'object',
  properties: {
    items: { type: 'array', items: ref(item) },
    total: { ...int, description: 'Items matching the filters, all pages together.' },
    limit: { ...int, description: 'The page size used (the `limit` query parameter, default 50).' },
    offset: { ...int, description: 'Items skipped before this page (the `offset` query parameter).' },
  },
  required: ['items', 'total', 'limit', 'offset'],
});

const executionStatus = { enum: ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'] } as const;

const errorBody = {
  type: 'object',
  properties: {
    code: { ...str, description: 'A stable code from docs/codes.md.' },
    message: str,
    details: {
      type: 'object',
      description: "Facts about the failure that vary by code (the offending id, the accepted values, a 500's request_id, a 422's diagnostics).",
      properties: { diagnostics: { type: 'array', items: ref('Diagnostic') }, request_id: str },
      additionalProperties: true,
    },
  },
  required: ['code', 'message', 'details'],
} as const;

const workflowViewProperties = {
  id: { ...str, description: "This version's record id; what POST /executions {workflow_id} takes." },
  workflow_id: str,
  ref: str,
  pack_ref: str,
  name: nullableStr,
  description: nullableStr,
  version: int,
  content_hash: str,
  file: str,
  origin: ref('DefinitionOrigin'),
  task_count: int,
  created_at: str,
  active_version: int,
  latest_version: int,
  pinned: bool,
};

const templateViewProperties = {
  id: str,
  template_id: str,
  ref: str,
  pack_ref: str,
  name: str,
  description: nullableStr,
  version: int,
  parameters: { type: 'object', additionalProperties: ref('ParameterSpec') },
  created_at: str,
};

const executionViewProperties = {
  id: str,
  execution_id: str,
  workflow_id: { ...str, description: 'The record id of the pinned workflow version.' },
  workflow_ref: str,
  workflow_version: int,
  status: executionStatus,
  input: obj,
  output: nullableObj,
  error: nullable(ref('TaskError')),
  parent_execution_id: { ...nullableStr, description: 'The execution whose core.workflow task started this one.' },
  parent_task_id: nullableStr,
  created_at: str,
  updated_at: str,
  finished_at: nullableStr,
  last_seq: { ...int, description: 'The highest seq written.' },
};

export const RESPONSE_SCHEMAS: Record<string, object> = {
  Error: {
    type: 'object',
    properties: {
      error: errorBody,
    },
    required: ['error'],
  },
  Diagnostic: {
    type: 'object',
    properties: {
      code: str,
      severity: { enum: ['error', 'warning', 'info'] },
      message: str,
      file: str,
      line: int,
      column: int,
      end_line: int,
      end_column: int,
      pointer: str,
      hint: str,
      related: {
        type: 'array',
        items: { type: 'object', properties: { file: str, line: int, column: int, message: str }, required: ['file', 'line', 'column', 'message'] },
      },
    },
    required: ['code', 'severity', 'message', 'file', 'line', 'column', 'end_line', 'end_column', 'pointer'],
  },
  DefinitionOrigin: {
    type: 'object',
    description: 'Where a version came from: the packs folder, the API or a git commit.',
    properties: { source: { enum: ['local', 'api', 'git'] }, git_source: str, commit: str, author: str, date: str, message: str },
    required: ['source'],
  },
  WorkflowView: {
    type: 'object',
    properties: workflowViewProperties,
    required: Object.keys(workflowViewProperties),
  },
  WorkflowDetail: {
    allOf: [ref('WorkflowView'), { type: 'object', properties: { definition: ref('WorkflowDefinition'), source: str }, required: ['definition', 'source'] }],
  },
  WorkflowWriteResult: {
    allOf: [
      ref('WorkflowDetail'),
      { type: 'object', properties: { changed: bool, diagnostics: { type: 'array', items: ref('Diagnostic') } }, required: ['changed', 'diagnostics'] },
    ],
  },
  WorkflowList: page('WorkflowView'),
  WorkflowVersions: {
    allOf: [page('WorkflowView'), { type: 'object', properties: { ref: str }, required: ['ref'] }],
    description: 'Every stored version of a ref, oldest first, a page at a time.',
  },
  TemplateView: {
    type: 'object',
    properties: templateViewProperties,
    required: Object.keys(templateViewProperties),
  },
  TemplateDetail: {
    allOf: [ref('TemplateView'), { type: 'object', properties: { definition: ref('Template'), source: str }, required: ['definition', 'source'] }],
  },
  TemplateWriteResult: {
    allOf: [
      ref('TemplateDetail'),
      { type: 'object', properties: { changed: bool, diagnostics: { type: 'array', items: ref('Diagnostic') } }, required: ['changed', 'diagnostics'] },
    ],
  },
  TemplateInstance: {
    allOf: [ref('WorkflowDetail'), { type: 'object', properties: { template_id: { ...str, description: 'The template version it was made from.' } }, required: ['template_id'] }],
  },
  TemplateList: page('TemplateView'),
  ExecutionView: {
    type: 'object',
    properties: executionViewProperties,
    required: Object.keys(executionViewProperties),
  },
  ExecutionDetail: {
    allOf: [
      ref('ExecutionView'),
      {
        type: 'object',
        properties: {
          canceling: { ...bool, description: 'True between a cancel request and the execution settling.' },
          started_at: nullableStr,
          task_statuses: { type: 'object', additionalProperties: ref('TaskStatus') },
        },
        required: ['canceling', 'started_at', 'task_statuses'],
      },
    ],
  },
  TaskStatus: {
    type: 'object',
    properties: {
      status: { enum: ['pending', 'running', 'waiting', 'completed', 'failed', 'skipped', 'canceled'] },
      attempts: int,
      started_at: nullableStr,
      finished_at: nullableStr,
      duration_ms: { ...int, description: 'Milliseconds the task has run (so far, while running).' },
      duration: { ...int, description: 'The integration guide\'s name for duration_ms.' },
      error: nullable(ref('TaskError')),
      skip_reason: str,
      handled_by: str,
      items: {
        type: 'object',
        description: 'A fan-out\'s items by outcome.',
        properties: { total: int, completed: int, failed: int, running: int },
        required: ['total', 'completed', 'failed', 'running'],
      },
    },
    required: ['status', 'attempts', 'started_at', 'finished_at', 'duration_ms', 'duration', 'error'],
  },
  ExecutionList: page('ExecutionView'),
  RestoredExecution: {
    allOf: [ref('ExecutionView'), { type: 'object', properties: { restored_from: { ...str, description: 'The checkpoint it continues from.' } }, required: ['restored_from'] }],
  },
  ExecutionSummary: {
    type: 'object',
    properties: {
      execution_id: str,
      workflow_ref: str,
      workflow_version: int,
      workflow_name: str,
      status: executionStatus,
      duration_ms: nullableInt,
      tasks: { type: 'object', description: 'Task counts by status, plus total.', additionalProperties: int, required: ['total'] },
      task_count: int,
      completed_tasks: int,
      attempts: int,
      failed_tasks: { type: 'array', items: str },
      output: nullableObj,
      error: nullable(ref('TaskError')),
    },
    required: [
      'execution_id',
      'workflow_ref',
      'workflow_version',
      'workflow_name',
      'status',
      'duration_ms',
      'tasks',
      'task_count',
      'completed_tasks',
      'attempts',
      'failed_tasks',
      'output',
      'error',
    ],
  },
  ExecutionMetrics: {
    type: 'object',
    properties: {
      execution_id: str,
      event_count: int,
      events_by_type: { type: 'object', additionalProperties: int },
      duration_ms: nullableInt,
      task_time_ms: int,
      parallelism: { type: ['number', 'null'] },
      attempts: int,
      retries: int,
      slowest_task: nullable({ type: 'object', properties: { task_id: str, duration_ms: int }, required: ['task_id', 'duration_ms'] }),
      total_duration: { type: ['number', 'null'] },
      average_task_duration: { type: ['number', 'null'] },
      total_retries: int,
      llm: {
        type: 'object',
        description: 'Tokens and requests of the core.llm tasks: every attempt the model server billed (completed tasks, and failed attempts with their error.usage).',
        properties: {
          tasks: int,
          failed_attempts: int,
          requests: int,
          prompt_tokens: int,
          completion_tokens: int,
          total_tokens: int,
          models: { type: 'array', items: str },
        },
        required: ['tasks', 'failed_attempts', 'requests', 'prompt_tokens', 'completion_tokens', 'total_tokens', 'models'],
      },
    },
    required: [
      'execution_id',
      'event_count',
      'events_by_type',
      'duration_ms',
      'task_time_ms',
      'parallelism',
      'attempts',
      'retries',
      'slowest_task',
      'total_duration',
      'average_task_duration',
      'total_retries',
      'llm',
    ],
  },
  ExecutionControlResult: {
    type: 'object',
    properties: { execution_id: str, status: executionStatus, execution: ref('ExecutionView') },
    required: ['execution_id', 'status'],
  },
  ...EVENT_SCHEMAS,
  EventsPage: {
    type: 'object',
    properties: { execution_id: str, events: { type: 'array', items: ref('ExecutionEvent') }, last_seq: int, has_more: bool },
    required: ['execution_id', 'events', 'last_seq'],
  },
  TaskAttempt: {
    type: 'object',
    properties: {
      attempt: int,
      started_at: str,
      finished_at: nullableStr,
      outcome: { enum: ['running', 'waiting', 'completed', 'failed', 'canceled', 'retrying'] },
      error: nullable(ref('TaskError')),
    },
    required: ['attempt', 'started_at', 'finished_at', 'outcome', 'error'],
  },
  TaskProgress: {
    type: 'object',
    properties: {
      task_id: str,
      status: { enum: ['pending', 'running', 'waiting', 'completed', 'failed', 'skipped', 'canceled'] },
      attempts: { type: 'array', items: ref('TaskAttempt'), description: 'Every attempt, those of earlier runs (a retry or rerun) included.' },
      error: nullable(ref('TaskError')),
      skip_reason: nullableStr,
      skip_requested: { ...bool, description: 'An operator asked to skip this pending task.' },
      items: nullable({
        type: 'object',
        description: "A fan-out's items (of its latest attempt) by outcome.",
        properties: { total: int, completed: int, failed: int },
        required: ['total', 'completed', 'failed'],
      }),
    },
    required: ['task_id', 'status', 'attempts', 'error', 'skip_reason', 'skip_requested', 'items'],
  },
  ExecutionTasksPage: {
    allOf: [
      page('TaskProgress'),
      {
        type: 'object',
        properties: {
          execution_id: str,
          status: executionStatus,
          last_seq: { ...int, description: 'The seq the tasks are folded to: follow the stream after it.' },
          started_by: nullable({
            type: 'object',
            description: 'The trigger that started the execution.',
            properties: { id: str, scheduled_at: nullableStr, reason: nullableStr },
            required: ['id', 'scheduled_at', 'reason'],
          }),
        },
        required: ['execution_id', 'status', 'last_seq', 'started_by'],
      },
    ],
  },
  TaskItem: {
    type: 'object',
    properties: {
      index: int,
      attempt: { ...int, description: 'The latest attempt started (0: not started).' },
      outcome: { enum: ['pending', 'running', 'completed', 'failed', 'retrying'] },
    },
    required: ['index', 'attempt', 'outcome'],
  },
  ExecutionTaskDetail: {
    type: 'object',
    properties: {
      execution_id: str,
      last_seq: { ...int, description: 'The seq the task is folded to.' },
      task: ref('TaskProgress'),
      input: { description: 'The input of its latest attempt (absent before it started).' },
      output: { description: 'Its output (absent until it completed).' },
      items: nullable(page('TaskItem')),
    },
    required: ['execution_id', 'last_seq', 'task', 'items'],
  },
  State: { type: 'object', properties: { execution_id: str, state: obj }, required: ['execution_id', 'state'] },
  TaskLogLine: {
    type: 'object',
    properties: {
      seq: int,
      task_id: str,
      item_index: int,
      attempt: int,
      stream: { type: 'string', enum: ['stdout', 'stderr', 'system'] },
      at: str,
      line: str,
    },
    required: ['seq', 'task_id', 'attempt', 'stream', 'at', 'line'],
  },
  TaskLogPage: {
    type: 'object',
    properties: { execution_id: str, items: { type: 'array', items: ref('TaskLogLine') }, next: nullableInt },
    required: ['execution_id', 'items', 'next'],
  },
  CheckpointView: {
    type: 'object',
    properties: { id: str, checkpoint_id: str, execution_id: str, seq: int, created_at: str },
    required: ['id', 'checkpoint_id', 'execution_id', 'seq', 'created_at'],
  },
  CheckpointDetail: {
    allOf: [ref('CheckpointView'), { type: 'object', properties: { snapshot: { description: 'The folded state the checkpoint holds.' } }, required: ['snapshot'] }],
  },
  CheckpointList: page('CheckpointView'),
  CheckpointValidation: {
    type: 'object',
    properties: { checkpoint_id: str, execution_id: str, seq: int, valid: bool, problems: { type: 'array', items: str } },
    required: ['checkpoint_id', 'execution_id', 'seq', 'valid', 'problems'],
  },
  PackView: {
    type: 'object',
    properties: {
      ref: str,
      label: nullableStr,
      version: str,
      description: nullableStr,
      manifest: ref('Pack'),
      workflow_count: int,
      template_count: int,
      action_count: int,
      created_at: str,
      updated_at: str,
    },
    required: ['ref', 'label', 'version', 'description', 'manifest', 'workflow_count', 'template_count', 'action_count', 'created_at', 'updated_at'],
  },
  PackList: page('PackView'),
  PackSyncResult: {
    type: 'object',
    description: 'The outcome of syncing or validating one pack (or, for POST /packs/sync, every pack).',
    properties: {
      pack_ref: str,
      ok: bool,
      diagnostics: { type: 'array', items: ref('Diagnostic') },
    },
    required: ['ok'],
    additionalProperties: true,
  },
  CreatePackResult: {
    type: 'object',
    properties: {
      pack: ref('PackView'),
      sync: {
        description: "The automatic sync of the pack's folder; its failure does not fail the create.",
        anyOf: [ref('PackSyncResult'), { type: 'object', properties: { ok: { const: false }, error: errorBody }, required: ['ok', 'error'] }],
      },
    },
    required: ['pack', 'sync'],
  },
  ComponentView: {
    type: 'object',
    properties: {
      id: str,
      component_id: str,
      name: str,
      base_url: str,
      capabilities: { type: 'array', items: str },
      metadata: obj,
      registered_at: str,
      last_heartbeat_at: nullableStr,
    },
    required: ['id', 'component_id', 'name', 'base_url', 'capabilities', 'metadata', 'registered_at', 'last_heartbeat_at'],
  },
  ComponentList: page('ComponentView'),
  ComponentTestResult: {
    type: 'object',
    description: "What probing the component's `{base_url}/health` found; unreachable is a result, not an error.",
    properties: {
      id: str,
      component_id: str,
      name: str,
      url: str,
      reachable: bool,
      healthy: bool,
      ok: bool,
      status: nullableInt,
      latency_ms: { type: 'number' },
      error: nullableStr,
      checked_at: str,
    },
    required: ['id', 'component_id', 'name', 'url', 'reachable', 'healthy', 'ok', 'status', 'latency_ms', 'error', 'checked_at'],
  },
  ServerStatus: {
    type: 'object',
    properties: {
      name: str,
      version: str,
      uptime_seconds: { type: 'number' },
      store: { type: 'object', properties: { backend: { enum: ['sqlite', 'postgres'] } }, required: ['backend'] },
      counts: {
        type: 'object',
        properties: {
          packs: int,
          workflows: int,
          templates: int,
          components: int,
          executions: { type: 'object', additionalProperties: int },
        },
        required: ['packs', 'workflows', 'templates', 'components', 'executions'],
      },
      running_executions: { type: 'array', items: str },
      nodes: {
        type: 'array',
        description: 'PostgreSQL only: the nodes sharing the database, alive ones first.',
        items: {
          type: 'object',
          properties: {
            node_id: str,
            started_at: str,
            heartbeat_at: str,
            expires_at: str,
            alive: bool,
            executions: int,
          },
          required: ['node_id', 'started_at', 'heartbeat_at', 'expires_at', 'alive', 'executions'],
        },
      },
    },
    required: ['name', 'version', 'uptime_seconds', 'store', 'counts', 'running_executions'],
  },
  Health: { type: 'object', properties: { status: str }, required: ['status'], additionalProperties: true },
  Deleted: {
    type: 'object',
    description: 'What was deleted, named by the fields of its kind (ref, id, pack_ref, pruned).',
    properties: { deleted: bool },
    required: ['deleted'],
    additionalProperties: true,
  },
  PurgedExecution: {
    type: 'object',
    description: 'A root execution deleted (or, dry, to be deleted) with its sub-workflows.',
    properties: {
      id: str,
      workflow_ref: str,
      status: { type: 'string', enum: ['completed', 'failed', 'canceled'] },
      finished_at: str,
      sub_workflows: { type: 'integer', minimum: 0 },
      events: { type: 'integer', minimum: 0 },
    },
    required: ['id', 'workflow_ref', 'status', 'finished_at', 'sub_workflows', 'events'],
  },
  PurgeExecutionsResult: {
    type: 'object',
    description: 'What a purge deleted; with dry_run, what it would delete.',
    properties: {
      dry_run: bool,
      finished_before: str,
      executions: { type: 'integer', minimum: 0 },
      sub_workflows: { type: 'integer', minimum: 0 },
      events: { type: 'integer', minimum: 0 },
      kept_unfinished: { type: 'integer', minimum: 0 },
      items: { type: 'array', items: ref('PurgedExecution') },
      truncated: bool,
    },
    required: ['dry_run', 'finished_before', 'executions', 'sub_workflows', 'events', 'kept_unfinished', 'items', 'truncated'],
  },
  Session: {
    type: 'object',
    properties: { principal_id: str, scopes: { type: 'array', items: str }, auth_enabled: bool, git: bool },
    required: ['principal_id', 'scopes', 'auth_enabled', 'git'],
  },
  ...GIT_RESPONSE_SCHEMAS,
  ...SCHEDULE_RESPONSE_SCHEMAS,
  ...WAIT_RESPONSE_SCHEMAS,
  ...ASSISTANT_RESPONSE_SCHEMAS,
};
