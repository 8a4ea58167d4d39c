import { describe, expect, it } from 'vitest';
import { encodeGitAnnouncements, parseGitAnnouncements } from '../../../src/gitops/git-announcements.js';
import { payloadNamesRepository, payloadRepositories, repositoryKey } from '../../../src/gitops/webhook-repository.js';

describe('repositoryKey()', () => {
  it.each([
    ['https://github.com/Acme/Repo.git', 'github.com/acme/repo'],
    ['https://x-access-token:tok@github.com/acme/repo/', 'github.com/acme/repo'],
    ['git@github.com:acme/repo.git', 'github.com/acme/repo'],
    ['ssh://git@gitlab.example.com:2222/acme/repo.git', 'gitlab.example.com/acme/repo'],
    ['file:///srv/git/repo.git', '/srv/git/repo'],
  ])('reads %s as %s', (url, key) => {
    expect(repositoryKey(url)).toBe(key);
  });
});

describe('payloadNamesRepository()', () => {
  it('matches GitHub, GitLab and Bitbucket payloads by URL or full name', () => {
    const github = payloadRepositories(JSON.stringify({ repository: { clone_url: 'https://github.com/acme/data.git', full_name: 'acme/data' } }));
    expect(payloadNamesRepository(github, 'git@github.com:acme/data.git')).toBe(true);
    expect(payloadNamesRepository(github, 'https://github.com/acme/platform.git')).toBe(false);
    const gitlab = payloadRepositories(JSON.stringify({ project: { git_ssh_url: 'git@gitlab.com:acme/data.git', path_with_namespace: 'acme/data' } }));
    expect(payloadNamesRepository(gitlab, 'https://gitlab.com/acme/data')).toBe(true);
    const bitbucket = payloadRepositories(JSON.stringify({ repository: { links: { html: { href: 'https://bitbucket.org/acme/data' } } } }));
    expect(payloadNamesRepository(bitbucket, 'https://bitbucket.org/acme/data.git')).toBe(true);
    expect(payloadRepositories('not json')).toEqual({ urls: [], names: [] });
  });
});

describe('git announcements', () => {
  it('lists every source in one message, and reads a single-source message as the only source', () => {
    const sha = 'a'.repeat(40);
    const several = encodeGitAnnouncements('node-a', new Map([['platform', { commit: sha, pinned_ref: null }], ['data', { commit: sha, pinned_ref: 'v1' }]]), true);
    expect([...parseGitAnnouncements(several, 'platform')]).toEqual([
      ['platform', { commit: sha, pinned_ref: null, node_id: 'node-a' }],
      ['data', { commit: sha, pinned_ref: 'v1', node_id: 'node-a' }],
    ]);
    const one = encodeGitAnnouncements('node-a', new Map([['default', { commit: sha, pinned_ref: null }]]), false);
    expect(JSON.parse(one)).toEqual({ commit: sha, pinned_ref: null, node_id: 'node-a' });
    expect([...parseGitAnnouncements(one, 'default').keys()]).toEqual(['default']);
  });
});
