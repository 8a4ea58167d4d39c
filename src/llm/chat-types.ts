/**
 * The shapes of the OpenAI-compatible chat-completions protocol that Harmonia speaks
 * (hosted services and local servers such as Ollama, vLLM and llama.cpp).
 *
 * Terminology: a *request* is one HTTP call to `/chat/completions`; a *conversation* is
 * the messages sent; a *reply* is the first choice's text with the usage the server reported.
 */

export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** @default the configured HARMONIA_LLM_MODEL */
  model?: string;
  temperature?: number;
  max_tokens?: number;
  /**
   * Asks the server to stream the reply and is told each piece of text as it arrives
   * (a server that answers whole anyway is read whole, then told once).
   */
  on_text?: (text: string) => void;
}

/** Tokens the server counted (zeros when it did not say). */
export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatReply {
  text: string;
  /** The model that answered, as the server names it. */
  model: string;
  usage: ChatUsage;
  finish_reason: string | null;
  /** HTTP requests this reply took (more than 1 after a 429 or 5xx was waited out). */
  requests: number;
}

/** Adds two usages. */
export function addUsage(a: ChatUsage, b: ChatUsage): ChatUsage {
  return {
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    completion_tokens: a.completion_tokens + b.completion_tokens,
    total_tokens: a.total_tokens + b.total_tokens,
  };
}

export const NO_USAGE: ChatUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
