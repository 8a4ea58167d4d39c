/**
 * What core.llm takes, shared by the action (run-time checks) and the validator
 * (literal values before a workflow registers).
 */
import type { ParameterSpec } from '../core/model.js';
import type { ChatMessage, ChatRole } from './chat-types.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The keys core.llm accepts, as the validator checks them. */
export const CORE_LLM_PARAMETERS: Readonly<Record<string, ParameterSpec>> = {
  model: { type: 'string', description: 'the model; default HARMONIA_LLM_MODEL' },
  prompt: { type: 'string', description: 'the user message (or pass messages)' },
  messages: { type: 'array', description: 'a conversation: [{ role: system|user|assistant, content }]' },
  system: { type: 'string', description: 'a system message put first' },
  temperature: { type: 'number' },
  max_tokens: { type: 'integer' },
  response_schema: { type: 'object', description: 'JSON Schema the reply must match; it is parsed and validated' },
  max_schema_attempts: { type: 'integer', default: 3, description: 'requests before a reply that fails response_schema fails the task' },
};

/** Default of max_schema_attempts. */
export const DEFAULT_SCHEMA_ATTEMPTS = 3;
/** Most requests max_schema_attempts may ask for. */
export const MAX_SCHEMA_ATTEMPTS = 10;
/** The roles a message may have. */
export const ROLES: readonly ChatRole[] = ['system', 'user', 'assistant'];

/** Reads a message list; a string says what is wrong. */
export function readMessages(value: unknown, where: string): ChatMessage[] | string {
  if (!Array.isArray(value)) return `'${where}' must be a list of { role, content }`;
  const messages: ChatMessage[] = [];
  for (const [index, item] of value.entries()) {
    if (!isRecord(item)) return `${where}[${index}] must be a mapping { role, content }`;
    const role = item.role;
    if (typeof role !== 'string' || !ROLES.includes(role as ChatRole)) {
      return `${where}[${index}].role is ${JSON.stringify(role) ?? 'missing'}; it must be one of: ${ROLES.join(', ')}`;
    }
    if (typeof item.content !== 'string') return `${where}[${index}].content must be a string`;
    messages.push({ role: role as ChatRole, content: item.content });
  }
  return messages;
}

