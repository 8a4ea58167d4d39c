/**
 * Which repository a verified webhook delivery is about, as each git host names it, so
 * the shared webhook URL can pick the source that follows it when several are configured.
 */

/** `host/owner/repo` in lower case, from an https, ssh (`git@host:owner/repo.git`) or file URL; credentials and `.git` dropped. */
export function repositoryKey(url: string): string {
  let rest = url.trim().toLowerCase();
  const scp = /^[^/@:]+@([^/:]+):(.+)$/.exec(rest);
  if (scp) rest = `${scp[1]}/${scp[2]}`;
  else rest = rest.replace(/^[a-z][a-z0-9+.-]*:\/\//, '').replace(/^[^/@]*@/, '');
  return rest.replace(/\/+$/, '').replace(/\.git$/, '').replace(/:\d+\//, '/');
}

function pick(value: unknown, ...path: Array<string | number>): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at;
}

/** Repository URLs and `owner/repo` names a payload carries (GitHub, Gitea, GitLab, Bitbucket); empty when it names none. */
export function payloadRepositories(rawBody: Buffer | string): { urls: string[]; names: string[] } {
  let body: unknown;
  try {
    body = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    return { urls: [], names: [] };
  }
  const candidates: unknown[] = [
    pick(body, 'repository', 'clone_url'),
    pick(body, 'repository', 'html_url'),
    pick(body, 'repository', 'ssh_url'),
    pick(body, 'repository', 'git_url'),
    pick(body, 'repository', 'git_http_url'),
    pick(body, 'repository', 'git_ssh_url'),
    pick(body, 'project', 'git_http_url'),
    pick(body, 'project', 'git_ssh_url'),
    pick(body, 'project', 'web_url'),
    pick(body, 'repository', 'links', 'html', 'href'),
  ];
  const clones = pick(body, 'repository', 'links', 'clone');
  if (Array.isArray(clones)) for (const clone of clones) candidates.push(pick(clone, 'href'));
  const names = [pick(body, 'repository', 'full_name'), pick(body, 'project', 'path_with_namespace')];
  const strings = (list: unknown[]) => list.filter((v): v is string => typeof v === 'string' && v !== '');
  return { urls: strings(candidates), names: strings(names).map((n) => n.toLowerCase()) };
}

/** Whether a payload names the repository at `url`. */
export function payloadNamesRepository(payload: { urls: readonly string[]; names: readonly string[] }, url: string): boolean {
  const key = repositoryKey(url);
  return payload.urls.some((candidate) => repositoryKey(candidate) === key) || payload.names.some((name) => key.endsWith(`/${name}`));
}
