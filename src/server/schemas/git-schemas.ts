/**
 * JSON Schemas of the GitOps routes (/git/*, workflow history, diff, rollback), merged
 * into the request and response schema tables.
 */

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const int = { type: 'integer' } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const bool = { type: 'boolean' } as const;

export const GIT_REQUEST_SCHEMAS: Record<string, object> = {
  GitSyncRequest: {
    type: 'object',
    description:
      'Sync the git source now. With `ref` (a tag, branch or commit sha; admin scope) the deployment is pinned to it; ' +
      'the followed branch\'s name (or an empty string) follows the branch again.',
    properties: { ref: { type: 'string', maxLength: 255 } },
    additionalProperties: false,
  },
  GitWebhookPayload: {
    type: 'object',
    description:
      'A push event as GitHub or GitLab sends it; only `ref` and `after` are read. The body is authenticated as the ' +
      'bytes received (X-Hub-Signature-256, X-Gitlab-Token or X-Harmonia-Token), never re-serialised.',
    properties: { ref: str, after: str },
  },
  RollbackRequest: {
    type: 'object',
    description: 'The version to make active and pin: a version number or a commit sha (4+ hex digits).',
    properties: { to: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', minLength: 1, maxLength: 64 }] } },
    required: ['to'],
    additionalProperties: false,
  },
};

const commit = {
  type: ['object', 'null'],
  properties: { sha: str, author: str, date: str, message: str },
} as const;

export const GIT_RESPONSE_SCHEMAS: Record<string, object> = {
  GitCommit: commit,
  GitSyncReport: {
    type: 'object',
    description: 'What one sync run did; never holds credentials.',
    properties: {
      outcome: { enum: ['synced', 'partial', 'unchanged', 'refused', 'failed'] },
      ref: str,
      commit: ref('GitCommit'),
      packs: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            pack_ref: str,
            state: { enum: ['synced', 'invalid'] },
            commit: nullableStr,
            registered: { type: 'array', items: { type: 'object', properties: { kind: str, ref: str, version: nullableInt } } },
            pruned: { type: 'array', items: str },
            errors: { type: 'array', items: ref('Diagnostic') },
          },
        },
      },
      pruned_packs: { type: 'array', items: str },
      error: { type: 'object', properties: { code: str, message: str } },
      started_at: str,
      finished_at: str,
    },
    required: ['outcome', 'ref', 'commit', 'packs', 'pruned_packs'],
  },
  GitStatus: {
    type: 'object',
    properties: {
      source: { type: 'string', description: 'The source\'s name (`default` for HARMONIA_GIT_URL).' },
      url: str,
      branch: str,
      path: str,
      pinned_ref: nullableStr,
      poll_interval_seconds: int,
      webhook_enabled: bool,
      syncing: bool,
      head: ref('GitCommit'),
      synced_commit: nullableStr,
      last_sync: { anyOf: [ref('GitSyncReport'), { type: 'null' }] },
      drift: {
        type: 'array',
        description: 'Every workflow, template and action of the git-managed packs: Synced, OutOfSync (the active version differs from the file), Missing (a file not registered) or Extra (registered, no file).',
        items: {
          type: 'object',
          properties: {
            kind: { enum: ['workflow', 'template', 'action'] },
            ref: str,
            pack_ref: str,
            state: { enum: ['Synced', 'OutOfSync', 'Missing', 'Extra'] },
            active_version: nullableInt,
            file: nullableStr,
            reason: str,
          },
        },
      },
      refused: {
        anyOf: [{ type: 'object', properties: { commit: str, error: { type: 'object', properties: { code: str, message: str } } } }, { type: 'null' }],
        description: 'The checked-out commit the last verdict refused, until a good one lands.',
      },
      packs: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            pack_ref: str,
            state: { enum: ['synced', 'invalid'] },
            commit: nullableStr,
            last_good_commit: nullableStr,
            failing_commit: nullableStr,
            diagnostics: { type: 'array', items: ref('Diagnostic') },
            claimed_by: {
              type: 'array',
              items: str,
              description: 'Set when other sources\' checkouts hold the pack too: every source claiming it, this one first. None of them syncs or prunes it.',
            },
          },
        },
      },
      workflows: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            ref: str,
            pack_ref: str,
            status: { enum: ['Synced', 'OutOfSync', 'Invalid', 'Pinned'] },
            active_version: nullableInt,
            latest_version: nullableInt,
            expected_version: nullableInt,
            failing_commit: str,
            diagnostics: { type: 'array', items: ref('Diagnostic') },
            reason: str,
          },
        },
      },
      node: {
        type: 'object',
        description: 'Several nodes on PostgreSQL only: this node\'s role and whether its own checkout is the synced commit.',
        properties: {
          node_id: str,
          role: { enum: ['leader', 'follower'] },
          leader: nullableStr,
          leader_synced_commit: nullableStr,
          checkout_commit: nullableStr,
          files: { enum: ['current', 'waiting', 'checking_out', 'failed'] },
          error: { anyOf: [{ type: 'object', properties: { code: str, message: str } }, { type: 'null' }] },
          ready: bool,
        },
        required: ['node_id', 'role', 'files', 'ready'],
      },
    },
    required: ['url', 'branch', 'path', 'pinned_ref', 'head', 'synced_commit', 'packs', 'workflows'],
  },
  GitWebhookResult: {
    type: 'object',
    properties: {
      accepted: bool,
      duplicate: bool,
      reason: str,
      delivery_id: { type: ['string', 'null'], description: "The sender's delivery id; null when it sends none (such deliveries are never deduplicated)." },
      provider: { enum: ['github', 'gitlab', 'gitea', 'bitbucket', 'harmonia'] },
      source: { type: 'string', description: 'The git source the delivery was given to.' },
      sources: {
        type: 'array',
        description: 'Several sources share the secret and the repository: each one\'s answer.',
        items: { type: 'object', properties: { source: str, status: int, accepted: bool, reason: str } },
      },
    },
    required: ['accepted'],
  },
  GitSourceSummary: {
    type: 'object',
    properties: {
      name: str,
      url: str,
      branch: str,
      path: str,
      pinned_ref: nullableStr,
      poll_interval_seconds: int,
      webhook_enabled: bool,
      syncing: bool,
      head: ref('GitCommit'),
      synced_commit: nullableStr,
      last_outcome: { type: ['string', 'null'], enum: ['synced', 'partial', 'unchanged', 'refused', 'failed', null] },
      last_sync_at: nullableStr,
      refused: { anyOf: [{ type: 'object', properties: { commit: str, error: { type: 'object', properties: { code: str, message: str } } } }, { type: 'null' }] },
      packs: int,
      invalid_packs: { type: 'array', items: str },
      conflicts: { type: 'array', items: { type: 'object', properties: { pack_ref: str, sources: { type: 'array', items: str } } } },
      drift: {
        type: 'object',
        properties: { Synced: int, OutOfSync: int, Missing: int, Extra: int },
        description: 'Definitions per drift state; GET /git/sources/{source} lists them.',
      },
      sync_status: { enum: ['Synced', 'OutOfSync'] },
    },
    required: ['name', 'url', 'branch', 'path', 'packs', 'conflicts', 'drift', 'sync_status'],
  },
  GitSourceList: {
    type: 'object',
    properties: { items: { type: 'array', items: ref('GitSourceSummary') }, total: int, limit: int, offset: int },
    required: ['items', 'total', 'limit', 'offset'],
  },
  DefinitionHistory: {
    type: 'object',
    properties: {
      kind: str,
      ref: str,
      active_version: int,
      latest_version: int,
      pinned: bool,
      items: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            version: int,
            id: str,
            active: bool,
            source: str,
            commit: nullableStr,
            author: nullableStr,
            date: str,
            message: nullableStr,
            created_at: str,
            content_hash: str,
            file: str,
          },
        },
      },
      total: int,
      limit: int,
      offset: int,
    },
    required: ['kind', 'ref', 'active_version', 'latest_version', 'pinned', 'items', 'total', 'limit', 'offset'],
  },
  VersionDiff: {
    type: 'object',
    properties: {
      ref: str,
      from: { type: 'object', properties: { version: int, commit: nullableStr } },
      to: { type: 'object', properties: { version: int, commit: nullableStr } },
      identical: bool,
      diff: { type: 'string', description: 'A unified diff of the two versions\' YAML source; empty when identical.' },
    },
    required: ['ref', 'from', 'to', 'identical', 'diff'],
  },
  PinChange: {
    type: 'object',
    properties: { kind: str, ref: str, from_version: int, to_version: int, commit: nullableStr, pinned: bool },
    required: ['ref', 'from_version', 'to_version', 'pinned'],
  },
};
