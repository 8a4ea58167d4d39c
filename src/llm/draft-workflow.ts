/**
 * The drafting loop behind `harmonia draft` and POST /api/v1/assistant/draft: ask the
 * model for a workflow, validate it with the pack pipeline, send the diagnostics back,
 * and repeat until it is valid or the attempts run out. It writes nothing: the caller
 * writes `yaml` to `file` only when `valid`.
 */
import { hasErrors, type Diagnostic } from '../core/diagnostic.js';
import { HarmoniaError } from '../core/errors.js';
import type { ChatClient } from './chat-client.js';
import { addUsage, NO_USAGE, type ChatMessage, type ChatUsage } from './chat-types.js';
import { draftMessages, feedbackMessage, yamlOfReply } from './draft-prompt.js';
import type { LoadedPackContext } from './pack-catalogue.js';

export interface DraftOptions {
  client: ChatClient;
  /** What the workflow should do, in the user's words. */
  description: string;
  pack: LoadedPackContext;
  /** The workflow's file name without extension. @default a name made from the draft's `name:` or the description */
  name?: string;
  /** Drafts asked for before giving up. @default 3 */
  max_attempts?: number;
  /** @default the client's default model */
  model?: string;
  signal?: AbortSignal;
  /** Told after each draft is checked (the CLI prints progress). */
  on_attempt?: (attempt: DraftAttempt) => void;
}

/** One round of the loop. */
export interface DraftAttempt {
  attempt: number;
  valid: boolean;
  errors: number;
  warnings: number;
  /** The distinct codes of the draft's diagnostics. */
  codes: string[];
}

export interface DraftResult {
  valid: boolean;
  pack: string;
  name: string;
  /** `<pack>.<name>` */
  ref: string;
  /** Path inside the pack: `workflows/<name>.yaml`. */
  file: string;
  /** The last draft. */
  yaml: string;
  /** Diagnostics of the last draft (warnings only when valid). */
  diagnostics: Diagnostic[];
  attempts: DraftAttempt[];
  model: string;
  usage: ChatUsage;
}

/** Default number of drafts. */
export const DEFAULT_DRAFT_ATTEMPTS = 3;

const NAME = /^[a-z][a-z0-9_]*$/;

/** A file name from free text: lower case words joined by _, at most 40 characters. */
export function nameFrom(text: string): string {
  const words = text.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, ' ').trim().split(' ').filter(Boolean);
  let name = '';
  for (const word of words) {
    const next = name === '' ? word : `${name}_${word}`;
    if (next.length > 40) break;
    name = next;
  }
  name = name.replace(/^[^a-z]+/, '');
  return name === '' ? 'drafted_workflow' : name;
}

function titleOf(yaml: string): string | null {
  const match = /^name:\s*["']?([^"'\n#]+)/m.exec(yaml);
  return match?.[1]?.trim() ?? null;
}

function unique(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name}_${n}`)) return `${name}_${n}`;
}

/** The longest description a draft is asked for (as DraftRequest.description's maxLength). */
export const MAX_DESCRIPTION_LENGTH = 8000;

/** Runs the draft loop. Thrown when the model server fails: LlmError. */
export async function draftWorkflow(options: DraftOptions): Promise<DraftResult> {
  const { client, pack } = options;
  if (options.name !== undefined && !NAME.test(options.name)) {
    throw new HarmoniaError('USAGE_INVALID', `workflow name '${options.name}' must match ^[a-z][a-z0-9_]*$ (lower case letters, digits and _)`, { details: { name: options.name } });
  }
  // The same bound as the REST body's (DraftRequest): the description goes into every request.
  if (options.description.trim() === '' || options.description.length > MAX_DESCRIPTION_LENGTH) {
    const has = options.description.trim() === '' ? 'it is blank' : `it has ${options.description.length}`;
    throw new HarmoniaError('USAGE_INVALID', `the description must be 1 to ${MAX_DESCRIPTION_LENGTH} characters; ${has}`, {
      details: { length: options.description.length, max: MAX_DESCRIPTION_LENGTH },
    });
  }
  const maxAttempts = options.max_attempts ?? DEFAULT_DRAFT_ATTEMPTS;
  const messages: ChatMessage[] = draftMessages(options.description, pack.catalogue);
  const attempts: DraftAttempt[] = [];
  let usage = NO_USAGE;
  let model = options.model ?? client.default_model ?? '';
  let name = options.name ?? '';
  let yaml = '';
  let diagnostics: Diagnostic[] = [];
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const reply = await client.complete({ messages, ...(options.model === undefined ? {} : { model: options.model }), temperature: 0 }, options.signal);
    usage = addUsage(usage, reply.usage);
    model = reply.model;
    yaml = yamlOfReply(reply.text);
    // The name is fixed by the first draft, so every later draft is checked as the same file.
    if (name === '') name = unique(nameFrom(titleOf(yaml) ?? options.description), pack.workflow_names);
    diagnostics = await pack.check(name, yaml);
    const valid = !hasErrors(diagnostics);
    attempts.push({
      attempt,
      valid,
      errors: diagnostics.filter((d) => d.severity === 'error').length,
      warnings: diagnostics.filter((d) => d.severity === 'warning').length,
      codes: [...new Set(diagnostics.map((d) => d.code))],
    });
    options.on_attempt?.(attempts[attempts.length - 1] as DraftAttempt);
    if (valid) break;
    messages.push({ role: 'assistant', content: reply.text }, feedbackMessage(diagnostics));
  }
  const valid = attempts.at(-1)?.valid ?? false;
  const packRef = pack.catalogue.pack;
  return { valid, pack: packRef, name, ref: `${packRef}.${name}`, file: `workflows/${name}.yaml`, yaml, diagnostics, attempts, model, usage };
}
