/**
 * core.llm's input: what a task may pass, read and checked at run time. The validator
 * (src/packs/rules/check-task-input.ts) checks the literal values of the same keys
 * before a workflow registers, from the same CORE_LLM_PARAMETERS.
 */
import type { ChatMessage } from '../llm/chat-types.js';
import { CORE_LLM_PARAMETERS, DEFAULT_SCHEMA_ATTEMPTS, MAX_SCHEMA_ATTEMPTS, readMessages } from '../llm/llm-parameters.js';
import { isPlainObject } from './task-result.js';

export interface LlmTaskInput {
  model?: string;
  messages: ChatMessage[];
  temperature?: number;
  max_tokens?: number;
  response_schema?: Record<string, unknown>;
  max_schema_attempts: number;
}

/** Reads and checks a core.llm task's (already evaluated) input; a string says what is wrong. */
export function readLlmInput(input: Record<string, unknown>): LlmTaskInput | string {
  for (const key of Object.keys(input)) {
    if (!(key in CORE_LLM_PARAMETERS)) return `core.llm has no input '${key}'; it takes: ${Object.keys(CORE_LLM_PARAMETERS).join(', ')}`;
  }
  const { model, prompt, system, temperature, max_tokens, response_schema } = input;
  if (model !== undefined && (typeof model !== 'string' || model === '')) return `'model' must be a model name such as 'llama3.2'`;
  if (prompt !== undefined && typeof prompt !== 'string') return `'prompt' must be a string`;
  if (system !== undefined && typeof system !== 'string') return `'system' must be a string`;
  if (prompt === undefined && input.messages === undefined) return `core.llm needs 'prompt' or 'messages'`;
  let messages: ChatMessage[] = [];
  if (input.messages !== undefined) {
    const read = readMessages(input.messages, 'messages');
    if (typeof read === 'string') return read;
    messages = read;
  }
  if (system !== undefined) messages.unshift({ role: 'system', content: system });
  if (prompt !== undefined) messages.push({ role: 'user', content: prompt });
  if (messages.length === 0) return `'messages' is empty; pass at least one message or a 'prompt'`;
  if (temperature !== undefined && (typeof temperature !== 'number' || !(temperature >= 0 && temperature <= 2))) {
    return `'temperature' must be a number from 0 to 2`;
  }
  if (max_tokens !== undefined && (typeof max_tokens !== 'number' || !Number.isInteger(max_tokens) || max_tokens < 1)) {
    return `'max_tokens' must be a positive integer`;
  }
  if (response_schema !== undefined && !isPlainObject(response_schema)) return `'response_schema' must be a JSON Schema mapping`;
  const attempts = input.max_schema_attempts ?? DEFAULT_SCHEMA_ATTEMPTS;
  if (typeof attempts !== 'number' || !Number.isInteger(attempts) || attempts < 1 || attempts > MAX_SCHEMA_ATTEMPTS) {
    return `'max_schema_attempts' must be an integer from 1 to ${MAX_SCHEMA_ATTEMPTS}`;
  }
  return {
    messages,
    max_schema_attempts: attempts,
    ...(model === undefined ? {} : { model: model as string }),
    ...(temperature === undefined ? {} : { temperature: temperature as number }),
    ...(max_tokens === undefined ? {} : { max_tokens: max_tokens as number }),
    ...(response_schema === undefined ? {} : { response_schema: response_schema as Record<string, unknown> }),
  };
}
