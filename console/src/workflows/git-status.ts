/**
 * The git sync status when the server follows git; null when it does not. The session says
 * which (`git`): a server without git is not asked, which would log a 404 in the browser's
 * console on every workflow page. A server
 * may follow several sources: the monitor shows each, the workflow pages need only the
 * workflows of all of them.
 */
import type { GitStatusView, SessionView } from '../../../src/core/wire.js';
import { NotFoundError, type HarmoniaClient } from '../client.js';

/** Every source's full status, in configuration order; null when the server follows no git source. */
export async function readGitSources(client: HarmoniaClient, session: SessionView, signal: AbortSignal): Promise<GitStatusView[] | null> {
  if (!session.git) return null;
  try {
    const list = await client.listGitSources({ signal, limit: 1000 });
    return await Promise.all(list.items.map((source) => client.getGitSource(source.name, { signal })));
  } catch (error) {
    // git taken away since the session was read (a restart without it)
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}

/** One status for the workflow pages: the only source's, or the first with every source's workflows. */
export async function readGitStatus(client: HarmoniaClient, session: SessionView, signal: AbortSignal): Promise<GitStatusView | null> {
  const sources = await readGitSources(client, session, signal);
  const [first] = sources ?? [];
  if (!sources || !first) return null;
  return sources.length === 1 ? first : { ...first, workflows: sources.flatMap((source) => source.workflows) };
}
