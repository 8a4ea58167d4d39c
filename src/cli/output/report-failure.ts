/**
 * How a failed command reports, in one place for local and remote runs: a line on stderr
 * (`harmonia: message (CODE, HTTP status)`), `{error: {code, message, status, details}}` on
 * stdout with --json, diagnostics under the line, and the exit code of src/cli/exit-codes.ts.
 */
import type { Diagnostic } from '../../core/diagnostic.js';
import { isHarmoniaError } from '../../core/errors.js';
import { HarmoniaClientError } from '../../client/errors.js';
import type { CliContext } from '../cli-context.js';
import { exitCodeFor, statusOfCode, type ExitCode } from '../exit-codes.js';
import { formatText } from '../format/text.js';
import { shouldUseColor } from './colors.js';

/** A failure as every edge reports it. */
export interface Failure {
  code: string;
  message: string;
  /** The HTTP status the API answers it with (0: the server was not reached). */
  status: number;
  details: Record<string, unknown>;
}

/** The failure an error stands for, or null for errors that are not the application's (bugs). */
export function failureOf(error: unknown): Failure | null {
  if (error instanceof HarmoniaClientError) return { code: error.code, message: error.message, status: error.status, details: error.details };
  if (isHarmoniaError(error)) return { code: error.code, message: error.message, status: statusOfCode(error.code), details: error.details };
  return null;
}

/** Reports a failure and returns the exit code. */
export function reportFailure(ctx: CliContext, failure: Failure, json: boolean): ExitCode {
  if (json) ctx.stdout.write(JSON.stringify({ error: failure }, null, 2) + '\n');
  ctx.stderr.write(`harmonia: ${failure.message}${failure.status > 0 ? ` (${failure.code}, HTTP ${failure.status})` : ''}\n`);
  const diagnostics = failure.details.diagnostics;
  if (!json && Array.isArray(diagnostics) && diagnostics.length > 0) {
    ctx.stderr.write(formatText(diagnostics as Diagnostic[], { color: shouldUseColor(ctx.stderr.isTTY ?? false, ctx.env), summary: true }));
  }
  return exitCodeFor(failure.code, failure.status);
}
