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
const obj = { type: 'object' } as const;

const page = (item: string): object => ({
  type: 'object',
  properties: { items: { type: 'array', items: ref(item) }, total: int, limit: int, offset: int },
  required: ['items', 'total', 'limit', 'offset'],
});

const executionStatus = { enum: ['pending', 'running', 'paused', 'completed', 'failed', 'canceled'] } as const;

export const RESPONSE_SCHEMAS: Record<string, object> = {
  Error: {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: str,
          message: str,
          details: {
            type: 'object',
            properties: { diagnostics: { type: 'array', items: ref('Diagnostic') }, request_id: str },
          },
        },
        required: ['code', 'message', 'details'],
      },
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
    },
    required: ['code', 'severity', 'message', 'file', 'line', 'column', 'pointer'],
  },
  WorkflowView: {
    type: 'object',
    properties: {
      id: str,
      workflow_id: str,
      ref: str,
      pack_ref: str,
      name: nullableStr,
      description: nullableStr,
      version: int,
      content_hash: str,
      file: str,
      origin: obj,
      task_count: int,
      created_at: str,
      active_version: int,
      latest_version: int,
      pinned: { type: 'boolean' },
    },
    required: ['id', 'workflow_id', 'ref', 'pack_ref', 'version'],
  },
  WorkflowDetail: {
    allOf: [ref('WorkflowView'), { type: 'object', properties: { definition: ref('Workflow'), source: str } }],
  },
  WorkflowWriteResult: {
    allOf: [
      ref('WorkflowDetail'),
      { type: 'object', properties: { changed: { type: 'boolean' }, diagnostics: { type: 'array', items: ref('Diagnostic') } } },
    ],
  },
  WorkflowList: page('WorkflowView'),
  WorkflowVersions: { type: 'object', properties: { ref: str, items: { type: 'array', items: ref('WorkflowView') } } },
  TemplateView: {
    type: 'object',
    properties: {
      id: str,
      template_id: str,
      ref: str,
      pack_ref: str,
      name: str,
      description: nullableStr,
      version: int,
      parameters: { type: 'object', additionalProperties: ref('ParameterSpec') },
      created_at: str,
    },
    required: ['id', 'template_id', 'ref'],
  },
  TemplateDetail: {
    allOf: [ref('TemplateView'), { type: 'object', properties: { definition: ref('Template'), source: str } }],
  },
  TemplateList: page('TemplateView'),
  ExecutionView: {
    type: 'object',
    properties: {
      id: str,
      execution_id: str,
      workflow_id: str,
      workflow_ref: str,
      workflow_version: int,
      status: executionStatus,
      input: obj,
      output: { type: ['object', 'null'] },
      error: { type: ['object', 'null'] },
      created_at: str,
      updated_at: str,
      finished_at: nullableStr,
      last_seq: int,
    },
    required: ['id', 'execution_id', 'workflow_id', 'status'],
  },
  ExecutionDetail: {
    allOf: [
      ref('ExecutionView'),
      { type: 'object', properties: { task_statuses: { type: 'object', additionalProperties: ref('TaskStatus') } } },
    ],
  },
  TaskStatus: {
    type: 'object',
    properties: {
      status: { enum: ['pending', 'running', 'waiting', 'completed', 'failed', 'skipped', 'canceled'] },
      attempts: int,
      started_at: nullableStr,
      finished_at: nullableStr,
      duration: { type: ['integer', 'null'] },
      error: { type: ['object', 'null'] },
    },
    required: ['status'],
  },
  ExecutionList: page('ExecutionView'),
  ExecutionSummary: { type: 'object', properties: { execution_id: str, status: executionStatus, task_count: int, completed_tasks: int } },
  ExecutionMetrics: {
    type: 'object',
    properties: {
      execution_id: str,
      total_duration: { type: ['number', 'null'] },
      llm: {
        type: 'object',
        description: 'Tokens and requests of the core.llm tasks (completed attempts).',
        properties: { tasks: int, requests: int, prompt_tokens: int, completion_tokens: int, total_tokens: int, models: { type: 'array', items: str } },
      },
    },
  },
  ExecutionControlResult: { type: 'object', properties: { execution_id: str, status: executionStatus }, required: ['execution_id', 'status'] },
  ...EVENT_SCHEMAS,
  EventsPage: {
    type: 'object',
    properties: { execution_id: str, events: { type: 'array', items: ref('ExecutionEvent') }, last_seq: int, has_more: { type: 'boolean' } },
  },
  State: { type: 'object', properties: { execution_id: str, state: obj } },
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
    properties: { execution_id: str, items: { type: 'array', items: ref('TaskLogLine') }, next: { type: ['integer', 'null'] } },
    required: ['execution_id', 'items', 'next'],
  },
  CheckpointView: {
    type: 'object',
    properties: { id: str, checkpoint_id: str, execution_id: str, seq: int, created_at: str },
    required: ['id', 'checkpoint_id', 'execution_id', 'seq'],
  },
  CheckpointList: { type: 'object', properties: { items: { type: 'array', items: ref('CheckpointView') } } },
  CheckpointValidation: { type: 'object', properties: { checkpoint_id: str, valid: { type: 'boolean' } } },
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
    required: ['ref', 'version'],
  },
  PackList: { type: 'object', properties: { items: { type: 'array', items: ref('PackView') }, total: int } },
  PackSyncResult: {
    type: 'object',
    properties: { pack_ref: str, ok: { type: 'boolean' }, diagnostics: { type: 'array', items: ref('Diagnostic') } },
  },
  CreatePackResult: { type: 'object', properties: { pack: ref('PackView'), sync: obj } },
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
    required: ['id', 'name', 'base_url', 'capabilities'],
  },
  ComponentList: { type: 'object', properties: { items: { type: 'array', items: ref('ComponentView') } } },
  ComponentTestResult: { type: 'object', properties: { component_id: str, ok: { type: 'boolean' }, status: { type: ['integer', 'null'] } } },
  ServerStatus: {
    type: 'object',
    properties: {
      name: str,
      version: str,
      uptime_seconds: { type: 'number' },
      store: obj,
      counts: obj,
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
            alive: { type: 'boolean' },
            executions: { type: 'integer' },
          },
          required: ['node_id', 'started_at', 'heartbeat_at', 'expires_at', 'alive', 'executions'],
        },
      },
    },
  },
  Health: { type: 'object', properties: { status: str } },
  Deleted: { type: 'object', properties: { deleted: { type: 'boolean' } } },
  Session: {
    type: 'object',
    properties: { principal_id: str, scopes: { type: 'array', items: str }, auth_enabled: { type: 'boolean' } },
    required: ['principal_id', 'scopes', 'auth_enabled'],
  },
  ...GIT_RESPONSE_SCHEMAS,
  ...SCHEDULE_RESPONSE_SCHEMAS,
  ...WAIT_RESPONSE_SCHEMAS,
  ...ASSISTANT_RESPONSE_SCHEMAS,
};
