/**
 * docs/codes.md: every code a user meets — task error types, API and CLI error codes,
 * diagnostic codes — rendered from the catalogues in src/core, so the page cannot drift
 * from the code.
 */
import { DIAGNOSTIC_CODES } from '../core/diagnostic-codes.js';
import { ERROR_CODE_MEANINGS } from '../core/error-codes.js';
import type { ErrorCode } from '../core/errors.js';
import { TASK_ERROR_TYPES } from '../core/task-errors.js';
import { ERROR_STATUS } from '../core/error-status.js';
import { generatedNote, markdownTable } from './markdown-table.js';

/** The text of docs/codes.md. */
export function renderCodesPage(): string {
  const code = (name: string) => `\`${name}\``;
  const taskRows = Object.entries(TASK_ERROR_TYPES).map(([type, meaning]) => [code(type), meaning]);
  const errorRows = (Object.entries(ERROR_CODE_MEANINGS) as Array<[ErrorCode, string]>).map(([name, meaning]) => [
    code(name),
    String(ERROR_STATUS[name]),
    meaning,
  ]);
  const diagnosticRows = Object.entries(DIAGNOSTIC_CODES).map(([name, meaning]) => [code(name), meaning]);
  return [
    generatedNote('src/core/task-errors.ts, src/core/error-codes.ts, src/core/error-status.ts and src/core/diagnostic-codes.ts'),
    '',
    '# Codes',
    '',
    'Harmonia names every failure with a stable code. There are three vocabularies, one per',
    'place you meet them:',
    '',
    '- [task error types](#task-error-types): the `type` of a failed task\'s error — what',
    '  `retry.retriable_errors` and `error_handlers[].error_type` match, and what',
    '  `${tasks.x.error.type}` reads;',
    '- [error codes](#error-codes): the `code` of an API error (`{error: {code, message, details}}`),',
    '  of a CLI failure and of a `HarmoniaError` thrown by the library;',
    '- [diagnostic codes](#diagnostic-codes): problems in pack files found by `harmonia validate`,',
    '  the sync endpoints and the watcher (examples of each message are in',
    '  [format.md](format.md#codes)).',
    '',
    'Codes are stable: a code is never renamed or given another meaning.',
    '',
    '## Task error types',
    '',
    'Harmonia gives a failed task one of these types. A pack action, `core.fail` or a remote',
    'component may report a type of its own (`error_type`); `harmonia validate` warns',
    '(`ERROR_TYPE_UNKNOWN`) when `retriable_errors` or `error_handlers` names a type that is',
    'neither listed here nor raised by a `core.fail` of the same workflow, with the nearest',
    'listed type when there is one. `*` in `error_handlers` matches every type.',
    '',
    markdownTable(['type', 'meaning'], taskRows),
    '',
    '## Error codes',
    '',
    'The HTTP status is what the server answers with the code.',
    '',
    markdownTable(['code', 'HTTP status', 'meaning'], errorRows),
    '',
    '## Diagnostic codes',
    '',
    'Each diagnostic is an error or a warning ([format.md](format.md#codes) gives each one\'s',
    'severity and an example message); `# harmonia-ignore CODE` silences one where it is written.',
    '',
    markdownTable(['code', 'meaning'], diagnosticRows),
    '',
  ].join('\n');
}
