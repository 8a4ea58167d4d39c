/**
 * The CLI's one exit-code table. Every command ends through it, local or remote: a failure
 * is mapped from its error code's HTTP status (src/core/error-status.ts, the one table of
 * statuses), so a command run with --url exits as it does in this process.
 *
 * | exit | meaning |
 * |---|---|
 * | 0 | success |
 * | 1 | problems with what was asked: unknown ref or id (404), a conflict or wrong state (409), invalid files or input (422); and gates that fail (invalid packs, a failed execution, a diff that differs) |
 * | 2 | usage, settings, authentication, an unreachable or failing server or store, internal errors |
 */
import type { ErrorCode } from '../core/errors.js';
import { ERROR_STATUS } from '../core/error-status.js';

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Statuses that mean "a problem with what was asked" rather than with how it was asked. */
const PROBLEM_STATUSES = new Set([404, 409, 422]);

// A locked store is in the 409 family over HTTP, but for the CLI it is the environment's
// problem (another engine holds the data dir), not the user's request's.
const ENVIRONMENT_CODES = new Set<string>(['STORE_LOCKED']);

/** The HTTP status of a code; codes from a newer server than this CLI count as 500. */
export function statusOfCode(code: string): number {
  return (ERROR_STATUS as Record<string, number | undefined>)[code] ?? 500;
}

/** The exit code of a failure with `code` (answered with `status` when it came over HTTP; 0 when the server was not reached). */
export function exitCodeFor(code: ErrorCode | string, status = statusOfCode(code)): ExitCode {
  if (ENVIRONMENT_CODES.has(code)) return EXIT.usage;
  return PROBLEM_STATUSES.has(status) ? EXIT.problems : EXIT.usage;
}
