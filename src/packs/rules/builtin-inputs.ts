/**
 * The inputs each built-in action reads, as parameter specs, so a task calling a built-in
 * is checked as one calling a pack action is: required keys, literal types, unknown keys.
 * Kept in step with src/actions/core-*.ts (what each handler reads from its input).
 * `core.echo` and `core.noop` take any input and are not listed.
 */
import type { ParameterSpec } from '../../core/model.js';
import { CORE_LLM_PARAMETERS } from '../../llm/llm-parameters.js';

export const BUILTIN_INPUTS: Readonly<Record<string, Readonly<Record<string, ParameterSpec>>>> = {
  'core.sleep': { ms: { type: 'number' }, duration: {}, until: { type: 'string' } },
  'core.signal': { name: { type: 'string', required: true }, timeout: {} },
  'core.approval': {
    message: { type: 'string' },
    approvers: {},
    scope: { type: 'string', enum: ['approve', 'write', 'admin'] },
    expires_in: {},
    expiration_hours: { type: 'number' },
    on_reject: { type: 'string', enum: ['fail', 'complete'] },
  },
  'core.fail': { error_type: { type: 'string' }, error_message: { type: 'string' }, is_retriable: { type: 'boolean' } },
  'core.http': {
    url: { type: 'string', required: true },
    method: { type: 'string' },
    headers: { type: 'object' },
    body: {},
    timeout_ms: { type: 'number' },
    log_body: { type: 'boolean' },
  },
  'core.shell': { argv: { type: 'array' }, command: { type: 'string' }, shell: { type: 'boolean' }, env: { type: 'object' }, cwd: { type: 'string' } },
  'core.workflow': { workflow: { type: 'string' }, input: { type: 'object' } },
  'core.llm': CORE_LLM_PARAMETERS,
};

/** Keys of which a built-in needs one (its other required keys are in BUILTIN_INPUTS). */
export const BUILTIN_ONE_OF: Readonly<Record<string, readonly string[]>> = {
  'core.shell': ['argv', 'command'],
  'core.sleep': ['ms', 'duration', 'until'],
  'core.llm': ['prompt', 'messages'],
};
