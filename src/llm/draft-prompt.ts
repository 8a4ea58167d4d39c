/**
 * The messages the assistant sends when drafting a workflow: our format in brief, the
 * built-in actions with their inputs, the pack's own actions, templates and workflows,
 * and (on a retry) the diagnostics of the last draft.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { ParameterSpec } from '../core/model.js';
import type { ChatMessage } from './chat-types.js';
import type { CatalogueEntry, PackCatalogue } from './pack-catalogue.js';

const FORMAT = `You write Harmonia workflow files: one YAML document, no prose.
Shape:
version: 1.0.0                 # required
name: Display name
description: What it does
input:                         # typed parameters: { type: string|integer|number|boolean|array|object, required: true, default: ..., enum: [...] }
  day: { type: string, required: true }
context: { key: value }        # static values, read as \${context.key}
tasks:                         # a map keyed by task id (lower case letters, digits, _)
  fetch:
    action: core.http           # a built-in core.* or a pack action <pack>.<name>
    input: { url: "https://example.com/\${input.day}" }
    retry: { max_attempts: 3, initial_delay_ms: 1000, backoff_factor: 2 }
    timeout_ms: 60000
  report:
    action: core.echo
    depends_on: [fetch]         # runs after fetch succeeded
    condition: "\${tasks.fetch.output.status == 200}"
    input: { message: "got \${tasks.fetch.output.body}" }
    on_error: notify            # a task id run when this task fails
output:
  status: "\${tasks.fetch.output.status}"
Expressions: \${input.x}, \${context.x}, \${tasks.<id>.output...}, \${tasks.<id>.error.message}, operators == != < > && || !, functions such as length(), join(list, sep), upper().
Only use actions listed below; only pass the parameters they declare.`;

const BUILTINS: ReadonlyArray<readonly [string, string]> = [
  ['core.noop', 'does nothing; input ignored'],
  ['core.echo', 'returns its input as output (any keys)'],
  ['core.sleep', 'input: ms (integer) for a short sleep, or duration (2h, 3d) or until (ISO time) for a durable wait'],
  ['core.signal', 'input: name (required), timeout (duration); waits for a signal; output: the signal payload; fails TIMEOUT'],
  ['core.approval', 'input: message, approvers (token names), scope, expires_in or expiration_hours, on_reject (fail|complete); output: { decision, by, comment, decided_at }; fails REJECTED or EXPIRED'],
  ['core.fail', 'input: error_type, error_message, is_retriable'],
  ['core.shell', "input: argv (list of strings) or command (string); output: { exit_code, stdout, stderr }"],
  ['core.http', 'input: url (required), method, headers, body, timeout_ms; output: { status, headers, body }'],
  ['core.llm', 'input: prompt or messages (required), system, model, temperature, max_tokens, response_schema; output: { text, data, usage, model }'],
  ['core.workflow', 'input: workflow (a workflow ref, required), input (mapping); runs a child workflow'],
];

function specText(name: string, spec: ParameterSpec): string {
  const parts = [spec.type ?? 'any'];
  if (spec.required) parts.push('required');
  if (spec.default !== undefined) parts.push(`default ${JSON.stringify(spec.default)}`);
  if (spec.enum) parts.push(`one of ${spec.enum.map((v) => JSON.stringify(v)).join('|')}`);
  return `${name} (${parts.join(', ')})${spec.description ? `: ${spec.description}` : ''}`;
}

function entryText(entry: CatalogueEntry): string {
  const params = Object.entries(entry.parameters).map(([name, spec]) => specText(name, spec));
  return `- ${entry.ref}${entry.description ? ` — ${entry.description}` : ''}${params.length ? `\n    parameters: ${params.join('; ')}` : ''}`;
}

function section(title: string, entries: readonly CatalogueEntry[]): string {
  return entries.length === 0 ? `${title}: none` : `${title}:\n${entries.map(entryText).join('\n')}`;
}

/** The opening conversation of a draft. */
export function draftMessages(description: string, catalogue: PackCatalogue): ChatMessage[] {
  const system = [
    FORMAT,
    `Built-in actions:\n${BUILTINS.map(([ref, text]) => `- ${ref}: ${text}`).join('\n')}`,
    section(`Actions of pack '${catalogue.pack}'`, catalogue.actions),
    section(`Templates of pack '${catalogue.pack}' (not actions; they are instantiated into workflows)`, catalogue.templates),
    section(`Workflows of pack '${catalogue.pack}' (run one with core.workflow)`, catalogue.workflows),
    'Reply with the complete workflow file in one ```yaml fence and nothing else.',
  ].join('\n\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: `Write a workflow for pack '${catalogue.pack}' that does this:\n${description}` },
  ];
}

/** The follow-up after a draft that did not validate. */
export function feedbackMessage(diagnostics: readonly Diagnostic[]): ChatMessage {
  // A draft can have thousands of problems (a task list of unknown actions); the model is
  // told the first errors, each cut short, and how many more there are, as a person would be.
  const ordered = [...diagnostics.filter((d) => d.severity === 'error'), ...diagnostics.filter((d) => d.severity !== 'error')];
  const lines = ordered.slice(0, MAX_FEEDBACK_LINES).map((d) => {
    const line = `- line ${d.line}, column ${d.column}: ${d.code}: ${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`;
    return line.length > MAX_FEEDBACK_LINE ? `${line.slice(0, MAX_FEEDBACK_LINE)}…` : line;
  });
  if (ordered.length > lines.length) lines.push(`- and ${ordered.length - lines.length} more`);
  return {
    role: 'user',
    content: `The validator found these problems in that file:\n${lines.join('\n')}\nReply with the whole corrected file in one \`\`\`yaml fence.`,
  };
}

const MAX_FEEDBACK_LINES = 30;
const MAX_FEEDBACK_LINE = 300;

const FENCE = /```(?:ya?ml|YAML)?[ \t]*\r?\n([\s\S]*?)```/;

/** The YAML of a reply: its first fenced block, else the whole text. */
export function yamlOfReply(text: string): string {
  const fenced = FENCE.exec(text);
  const body = fenced?.[1] ?? text;
  return body.endsWith('\n') ? body : `${body}\n`;
}
