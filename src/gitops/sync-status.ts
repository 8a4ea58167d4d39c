/**
 * What `GET /api/v1/git/status` reports per pack and per workflow, computed by a pure
 * function from what the last sync saw and what the registry holds now.
 */
import type { Diagnostic } from '../core/diagnostic.js';
import type { DefinitionHead } from '../core/model.js';

/**
 * - **Synced**: the active version is what the checked-out commit holds.
 * - **OutOfSync**: it is not (a newer commit is not synced yet, the pack has errors
 *   elsewhere, or the version was changed outside git).
 * - **Invalid**: the workflow's own file fails validation at `failing_commit`; the last
 *   good version stays active.
 * - **Pinned**: rolled back and pinned; git changes add versions but do not activate them.
 */
export type WorkflowSyncState = 'Synced' | 'OutOfSync' | 'Invalid' | 'Pinned';

/** The outcome of the last sync of one pack. */
export interface PackSyncState {
  pack_ref: string;
  state: 'synced' | 'invalid';
  /** The last commit touching the pack at the checkout. */
  commit: string | null;
  /** The commit of the last sync that registered the pack without errors. */
  last_good_commit: string | null;
  /** Set while the pack's newest commit fails validation (or was refused). */
  failing_commit: string | null;
  /** Error diagnostics at `failing_commit`, paths relative to the repository. */
  diagnostics: Diagnostic[];
  /** Workflow ref → version the pack's file matched at the last good sync. */
  workflows: Record<string, number>;
  /** Workflow refs whose own file has errors at `failing_commit`. */
  invalid_workflows: Record<string, Diagnostic[]>;
  synced_at: string;
  /** Set when other git sources' checkouts hold the pack too: every source claiming it, this one first. */
  claimed_by?: string[];
}

export interface WorkflowStatus {
  ref: string;
  pack_ref: string;
  status: WorkflowSyncState;
  /** null when the workflow was never registered. */
  active_version: number | null;
  latest_version: number | null;
  /** The version git says should be active. */
  expected_version: number | null;
  failing_commit?: string;
  diagnostics?: Diagnostic[];
  /** Why the workflow is not Synced. */
  reason?: string;
}

export interface StatusInput {
  packs: readonly PackSyncState[];
  /** Registry heads of the workflows of those packs (pruned ones left out). */
  heads: readonly DefinitionHead[];
  /** The commit checked out now. */
  checkout_commit: string | null;
  /** The commit the last complete sync run processed. */
  synced_commit: string | null;
  /** The checked-out commit when it was refused whole (the registry keeps the synced one). */
  refused_commit?: string | null;
}

function statusOf(
  ref: string,
  pack: PackSyncState | undefined,
  head: DefinitionHead | undefined,
  input: StatusInput,
): WorkflowStatus {
  const base = {
    ref,
    pack_ref: pack?.pack_ref ?? head?.pack_ref ?? ref.split('.')[0] ?? ref,
    active_version: head?.active_version ?? null,
    latest_version: head?.latest_version ?? null,
    expected_version: pack?.workflows[ref] ?? null,
  };
  if (head?.pinned) {
    return { ...base, status: 'Pinned', reason: `pinned to version ${head.active_version}; run \`harmonia unpin ${ref}\`` };
  }
  const ownErrors = pack?.invalid_workflows[ref];
  if (pack?.failing_commit && ownErrors) {
    return { ...base, status: 'Invalid', failing_commit: pack.failing_commit, diagnostics: ownErrors };
  }
  if (pack?.failing_commit) {
    return {
      ...base,
      status: 'OutOfSync',
      failing_commit: pack.failing_commit,
      reason: `pack '${pack.pack_ref}' has errors at ${pack.failing_commit.slice(0, 7)}; the last good version stays active`,
    };
  }
  if (!head) return { ...base, status: 'OutOfSync', reason: 'not registered yet' };
  if (base.expected_version === null) {
    return { ...base, status: 'OutOfSync', reason: 'not in the checked-out commit' };
  }
  if (head.active_version !== base.expected_version) {
    return {
      ...base,
      status: 'OutOfSync',
      reason: `version ${head.active_version} is active but git holds version ${base.expected_version}`,
    };
  }
  if (input.refused_commit && input.refused_commit === input.checkout_commit) {
    return {
      ...base,
      status: 'OutOfSync',
      reason: `commit ${input.refused_commit.slice(0, 7)} was refused; the registry keeps the versions of ${input.synced_commit?.slice(0, 7) ?? 'no commit'}`,
    };
  }
  if (input.synced_commit !== input.checkout_commit) {
    return { ...base, status: 'OutOfSync', reason: 'a newer commit is checked out but not synced yet' };
  }
  return { ...base, status: 'Synced' };
}

/** Per-workflow statuses, ordered by ref (pure). */
export function computeWorkflowStatuses(input: StatusInput): WorkflowStatus[] {
  const packOfRef = new Map<string, PackSyncState>();
  for (const pack of input.packs) {
    for (const ref of [...Object.keys(pack.workflows), ...Object.keys(pack.invalid_workflows)]) packOfRef.set(ref, pack);
  }
  const packByRef = new Map(input.packs.map((pack) => [pack.pack_ref, pack]));
  const headByRef = new Map(input.heads.map((head) => [head.ref, head]));
  const refs = [...new Set([...packOfRef.keys(), ...headByRef.keys()])].sort();
  return refs.map((ref) => {
    const head = headByRef.get(ref);
    const pack = packOfRef.get(ref) ?? (head ? packByRef.get(head.pack_ref) : undefined);
    return statusOf(ref, pack, head, input);
  });
}
