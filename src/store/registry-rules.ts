/**
 * The registry's version rules, once for both backends; each repository writes them in
 * its own SQL, but decides and words them here.
 */
import { HarmoniaError } from '../core/errors.js';
import type { DefinitionKind } from '../core/model.js';
import { NOT_FOUND } from './definition-query.js';

interface VersionedHead {
  active_version: number;
  latest_version: number;
}

/** A new version is one past the latest ever written: purged numbers are never reused. */
export function nextVersion(head: Pick<VersionedHead, 'latest_version'> | null | undefined): number {
  return (head?.latest_version ?? 0) + 1;
}

/** The active version cannot be purged: another must be activated first. */
export function assertPurgeable(head: Pick<VersionedHead, 'active_version'> | null | undefined, kind: DefinitionKind, ref: string, version: number): void {
  if (head?.active_version === version) {
    throw new HarmoniaError('STORE_CONFLICT', `version ${version} of ${kind} '${ref}' is active; activate another first`, {
      details: { kind, ref, version },
    });
  }
}

/** Activating (or pinning) a version that was never written, or was purged. */
export function versionNotFound(kind: DefinitionKind, ref: string, version: number): HarmoniaError {
  return new HarmoniaError('VERSION_NOT_FOUND', `${kind} '${ref}' has no version ${version}`, { details: { kind, ref, version } });
}

/** Marking deleted a ref the registry never held. */
export function refNotFound(kind: DefinitionKind, ref: string): HarmoniaError {
  return new HarmoniaError(NOT_FOUND[kind], `unknown ${kind} '${ref}'; nothing to mark deleted`);
}

/** The error of a first version whose ref has one by now (see NewDefinitionVersion.first). */
export function firstTaken(input: { kind: DefinitionKind; ref: string }): HarmoniaError {
  return new HarmoniaError('STORE_CONFLICT', `${input.kind} '${input.ref}' was created by another writer meanwhile`, { details: { kind: input.kind, ref: input.ref } });
}
