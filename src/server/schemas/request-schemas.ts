/**
 * JSON Schemas (2020-12) of request bodies. The server validates bodies against
 * them with ajv and the OpenAPI document publishes them, so the two cannot differ.
 */

import { ASSISTANT_REQUEST_SCHEMAS } from './assistant-schemas.js';
import { GIT_REQUEST_SCHEMAS } from './git-schemas.js';
import { SCHEDULE_REQUEST_SCHEMAS } from './schedule-schemas.js';
import { WAIT_REQUEST_SCHEMAS } from './wait-schemas.js';

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });

const parameterSpec = {
  type: 'object',
  properties: {
    type: { enum: ['string', 'integer', 'number', 'boolean', 'object', 'array'] },
    required: { type: 'boolean' },
    default: {},
    enum: { type: 'array' },
    description: { type: 'string' },
  },
  additionalProperties: false,
} as const;

const refName = { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 100 } as const;

export const REQUEST_SCHEMAS: Record<string, object> = {
  ParameterSpec: parameterSpec,
  StartExecutionRequest: {
    type: 'object',
    description: 'Start an execution of a workflow, named by its version id or by its ref.',
    properties: {
      workflow_id: { type: 'string', minLength: 1 },
      workflow_ref: { type: 'string', minLength: 1 },
      input: { type: 'object' },
    },
    anyOf: [{ required: ['workflow_id'] }, { required: ['workflow_ref'] }],
    additionalProperties: false,
  },
  ExecutionTaskRequest: {
    type: 'object',
    description: 'The task a control acts on (rerun from it, or skip it).',
    properties: { task_id: { type: 'string', minLength: 1, maxLength: 200 } },
    required: ['task_id'],
    additionalProperties: false,
  },
  PurgeExecutionsRequest: {
    type: 'object',
    description: 'Which finished executions to delete, with their sub-workflows, events, checkpoints, state and task logs.',
    properties: {
      older_than: {
        description: 'How long ago a root execution must have finished: a duration (30d, 12h, 90m, 45s) or seconds.',
        oneOf: [
          { type: 'string', minLength: 1, maxLength: 40 },
          { type: 'integer', minimum: 0 },
        ],
      },
      status: { type: 'array', minItems: 1, maxItems: 3, items: { type: 'string', enum: ['completed', 'failed', 'canceled'] } },
      dry_run: { type: 'boolean' },
    },
    required: ['older_than'],
    additionalProperties: false,
  },
  SaveStateRequest: {
    type: 'object',
    description: 'Custom state of an execution, replaced whole; read back by GET and as ${state.*}.',
    maxProperties: 1000,
  },
  CreateTemplateRequest: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 200 },
      description: { type: 'string' },
      workflow_definition_id: { type: 'string', minLength: 1 },
      parameters: { type: 'object', additionalProperties: ref('ParameterSpec') },
      pack: refName,
    },
    required: ['name', 'workflow_definition_id'],
    additionalProperties: false,
  },
  InstantiateTemplateRequest: {
    type: 'object',
    properties: {
      parameter_values: { type: 'object' },
      name: { type: 'string', minLength: 1, maxLength: 200 },
    },
    additionalProperties: false,
  },
  CreateCheckpointRequest: {
    type: 'object',
    properties: { execution_id: { type: 'string', minLength: 1 } },
    required: ['execution_id'],
    additionalProperties: false,
  },
  CreatePackRequest: {
    type: 'object',
    properties: {
      ref: refName,
      label: { type: 'string' },
      version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?$' },
      description: { type: 'string' },
    },
    required: ['ref', 'version'],
    additionalProperties: false,
  },
  SyncRequest: {
    type: 'object',
    description: 'Options of a pack sync or validation.',
    properties: {
      dry_run: { type: 'boolean' },
      prune: { type: 'boolean' },
      force: { type: 'boolean' },
    },
    additionalProperties: false,
  },
  RegisterComponentRequest: {
    type: 'object',
    description: 'A remote component: tasks naming it are POSTed to `{base_url}/api/tasks/{task_id}`.',
    properties: {
      id: { type: 'string' },
      name: { type: 'string', minLength: 1, maxLength: 100 },
      base_url: { type: 'string' },
      capabilities: {
        type: 'array',
        items: {
          anyOf: [
            { type: 'string', minLength: 1 },
            { type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'] },
          ],
        },
      },
      metadata: { type: 'object' },
    },
    required: ['name', 'base_url'],
    additionalProperties: false,
  },
  EmptyRequest: {
    type: 'object',
    description: 'Control verbs take no body; an empty object is accepted.',
    maxProperties: 0,
  },
  ...GIT_REQUEST_SCHEMAS,
  ...SCHEDULE_REQUEST_SCHEMAS,
  ...WAIT_REQUEST_SCHEMAS,
  ...ASSISTANT_REQUEST_SCHEMAS,
};
