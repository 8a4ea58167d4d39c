import type { DefinitionHead, DefinitionRecord } from '../../../src/core/model.js';

/** A stored workflow version for pure tests. */
export function version(n: number, commit?: string): DefinitionRecord {
  return {
    id: `id-${n}`,
    kind: 'workflow',
    ref: 'ops.deploy',
    pack_ref: 'ops',
    version: n,
    content_hash: `hash-${n}`,
    body: { version: '1.0.0', input: {}, context: {}, tasks: [], output: {}, error_handlers: [] },
    source: `version: 1.0.${n}\n`,
    file: 'workflows/deploy.yaml',
    origin: commit
      ? { source: 'git', commit, author: 'Ada <ada@example.com>', date: '2026-01-0' + n + 'T00:00:00Z', message: `change ${n}` }
      : { source: 'api' },
    created_at: `2026-02-0${n}T00:00:00.000Z`,
  };
}

export function head(fields: Partial<DefinitionHead> = {}): DefinitionHead {
  return {
    kind: 'workflow',
    ref: 'ops.deploy',
    pack_ref: 'ops',
    active_version: 1,
    latest_version: 1,
    pinned: false,
    deleted_at: null,
    updated_at: '2026-02-01T00:00:00.000Z',
    ...fields,
  };
}
