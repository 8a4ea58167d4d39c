/**
 * What the node leading git polling tells its followers when it follows several sources:
 * one message with every source's synced commit (a follower that starts late asks for the
 * last message and gets them all). With one source the message is the single-source one,
 * so nodes of an older version keep understanding it.
 */
import { encodeGitAnnouncement, parseGitAnnouncement, type GitAnnouncement } from './git-follower.js';

/** One source's part: the commit the registry was synced from and its pin. */
export interface SourceAnnouncement {
  commit: string;
  pinned_ref: string | null;
}

/** The message for `sources` (by name, in configuration order); the single-source form when there is one. */
export function encodeGitAnnouncements(nodeId: string, sources: ReadonlyMap<string, SourceAnnouncement>, several: boolean): string {
  const [only] = [...sources.values()];
  if (!several && only) return encodeGitAnnouncement({ ...only, node_id: nodeId });
  return JSON.stringify({ node_id: nodeId, sources: Object.fromEntries(sources) });
}

/** The announcement of each source a message names; `onlySource` receives a single-source message. */
export function parseGitAnnouncements(text: string, onlySource: string): Map<string, GitAnnouncement> {
  const found = new Map<string, GitAnnouncement>();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return found;
  }
  const sources = typeof value === 'object' && value !== null ? (value as { sources?: unknown; node_id?: unknown }).sources : undefined;
  if (typeof sources !== 'object' || sources === null) {
    const single = parseGitAnnouncement(text);
    if (single) found.set(onlySource, single);
    return found;
  }
  const nodeId = (value as { node_id?: unknown }).node_id;
  for (const [name, entry] of Object.entries(sources as Record<string, unknown>)) {
    const one = parseGitAnnouncement(JSON.stringify({ ...(entry as object), node_id: typeof nodeId === 'string' ? nodeId : '' }));
    if (one) found.set(name, one);
  }
  return found;
}
