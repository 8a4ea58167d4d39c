/**
 * JSON Schemas of the assistant routes (draft a workflow, explain an execution, whether
 * a model is configured), merged into the request and response schema tables.
 */

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const usage = {
  type: 'object',
  properties: { prompt_tokens: int, completion_tokens: int, total_tokens: int },
  required: ['prompt_tokens', 'completion_tokens', 'total_tokens'],
} as const;

export const ASSISTANT_REQUEST_SCHEMAS: Record<string, object> = {
  DraftRequest: {
    type: 'object',
    description: 'Ask the configured model for a workflow of `pack` that does what `description` says; nothing is written.',
    properties: {
      description: { type: 'string', minLength: 1, maxLength: 8000 },
      pack: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 100 },
      name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 100, description: 'The file name without extension; default from the draft.' },
      max_attempts: { type: 'integer', minimum: 1, maximum: 10, description: 'Drafts asked for before giving up (default 3).' },
      model: { type: 'string', minLength: 1, maxLength: 200 },
    },
    required: ['description', 'pack'],
    additionalProperties: false,
  },
  ExplainRequest: {
    type: 'object',
    description: 'Optional: the model to ask instead of HARMONIA_LLM_MODEL.',
    properties: { model: { type: 'string', minLength: 1, maxLength: 200 } },
    additionalProperties: false,
  },
};

export const ASSISTANT_RESPONSE_SCHEMAS: Record<string, object> = {
  LlmUsage: usage,
  AssistantStatus: {
    type: 'object',
    description: 'Whether a model server is configured (the console shows its chat panel when it is).',
    properties: { configured: bool, model: { type: ['string', 'null'] } },
    required: ['configured', 'model'],
  },
  DraftResult: {
    type: 'object',
    properties: {
      valid: bool,
      pack: str,
      name: str,
      ref: str,
      file: { type: 'string', description: 'Path inside the pack where the draft belongs, e.g. workflows/nightly_report.yaml.' },
      yaml: { type: 'string', description: 'The last draft.' },
      diagnostics: { type: 'array', items: ref('Diagnostic') },
      attempts: {
        type: 'array',
        items: {
          type: 'object',
          properties: { attempt: int, valid: bool, errors: int, warnings: int, codes: { type: 'array', items: str } },
        },
      },
      model: str,
      usage: ref('LlmUsage'),
    },
    required: ['valid', 'pack', 'name', 'ref', 'file', 'yaml', 'diagnostics', 'attempts', 'model', 'usage'],
  },
  ExecutionExplanation: {
    type: 'object',
    properties: {
      execution_id: str,
      status: str,
      explanation: str,
      facts: { type: 'object', description: 'What the model was told: statuses, errors, retries and the last events (never task inputs or outputs).' },
      model: str,
      usage: ref('LlmUsage'),
    },
    required: ['execution_id', 'status', 'explanation', 'facts', 'model', 'usage'],
  },
};
