/**
 * The real values of executions' secret inputs, in memory only: the database holds them
 * masked. A runner folded from stored events (a queued execution starting, a retry or rerun
 * of a finished one) gets them back from here while this process lives; after a restart, or
 * on another node, they are gone and the execution sees `**REDACTED**`.
 */
import type { ParameterSpec } from '../core/model.js';
import { lowWater } from '../core/low-water.js';

/** Executions remembered at most; the oldest are forgotten first, an eighth at a time. */
export const MAX_REMEMBERED_EXECUTIONS = 10_000;
// Secret inputs larger than this are not kept: a secret is a token, not a payload.
const MAX_REMEMBERED_CHARS = 64 * 1024;

/** The secret inputs of recent executions, by execution id. */
export interface SecretInputs {
  /** Keeps the inputs declared secret in `spec`; nothing when there are none. */
  remember(executionId: string, spec: Record<string, ParameterSpec>, input: Record<string, unknown>): void;
  /** `input` with the remembered real values put back over the masked ones. */
  restore(executionId: string, input: Record<string, unknown>): Record<string, unknown>;
}

/** Creates the in-memory book of secret inputs. */
export function createSecretInputs(): SecretInputs {
  const book = new Map<string, Record<string, unknown>>();
  return {
    remember(executionId, spec, input) {
      const secret: Record<string, unknown> = {};
      let any = false;
      for (const [name, param] of Object.entries(spec)) {
        if (param.secret === true && Object.hasOwn(input, name)) {
          secret[name] = input[name];
          any = true;
        }
      }
      if (!any || JSON.stringify(secret).length > MAX_REMEMBERED_CHARS) return;
      if (book.size >= MAX_REMEMBERED_EXECUTIONS) {
        // Down to the low-water mark in one pass (see lowWater).
        let drop = book.size - lowWater(MAX_REMEMBERED_EXECUTIONS);
        for (const id of book.keys()) {
          if (drop-- === 0) break;
          book.delete(id);
        }
      }
      book.set(executionId, secret);
    },
    restore(executionId, input) {
      const secret = book.get(executionId);
      return secret === undefined ? input : { ...input, ...secret };
    },
  };
}
