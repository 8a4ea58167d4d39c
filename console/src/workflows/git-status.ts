/** The git sync status when the server follows a repository; null when it does not (404). */
import type { GitStatusView } from '../../../src/core/wire.js';
import { NotFoundError, type HarmoniaClient } from '../client.js';

export async function readGitStatus(client: HarmoniaClient, signal: AbortSignal): Promise<GitStatusView | null> {
  try {
    return await client.getGitStatus({ signal });
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
