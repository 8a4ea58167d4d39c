import { HarmoniaError } from '../core/errors.js';
import type { DefinitionRecord } from '../core/model.js';

const VERSION_NUMBER = /^[1-9][0-9]*$/;
const COMMIT_PREFIX = /^[0-9a-f]{4,40}$/i;

function describe(record: DefinitionRecord): string {
  return record.origin.commit ? `${record.version} (${record.origin.commit.slice(0, 7)})` : String(record.version);
}

/**
 * Finds the version a user named: a version number (`3`) or a commit sha or prefix of
 * at least 4 hex digits (`9f2c1e7`). A number is tried as a version first; when no
 * version has it, it is tried as a commit prefix.
 *
 * Thrown when nothing matches (VERSION_NOT_FOUND) or a prefix names several commits
 * (USAGE_INVALID).
 */
export function resolveVersion(versions: readonly DefinitionRecord[], spec: string | number): DefinitionRecord {
  const text = String(spec).trim();
  const first = versions[0];
  const label = first ? `${first.kind} '${first.ref}'` : 'this ref';
  if (VERSION_NUMBER.test(text)) {
    const byNumber = versions.find((record) => record.version === Number(text));
    if (byNumber) return byNumber;
  }
  if (COMMIT_PREFIX.test(text)) {
    const prefix = text.toLowerCase();
    const matches = versions.filter((record) => record.origin.commit?.toLowerCase().startsWith(prefix));
    const commits = new Set(matches.map((record) => record.origin.commit));
    if (commits.size > 1) {
      throw new HarmoniaError(
        'USAGE_INVALID',
        `commit prefix '${text}' matches ${commits.size} commits of ${label}; give more digits of the sha`,
        { details: { matches: matches.map((record) => ({ version: record.version, commit: record.origin.commit })) } },
      );
    }
    // A commit that produced several versions (a ref deleted and re-added): the newest wins.
    const newest = matches.at(-1);
    if (newest) return newest;
  }
  const known = versions.map(describe).join(', ') || 'none';
  throw new HarmoniaError(
    'VERSION_NOT_FOUND',
    `${label} has no version or commit '${text}'; expected one of: ${known}`,
    { details: { spec: text, versions: versions.map((record) => record.version) } },
  );
}
