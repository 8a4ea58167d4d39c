import { describe, expect, it } from 'vitest';
import { formatCompactDiagnostic } from '../../../src/gitops/dev-mode.js';
import { toHistoryEntries } from '../../../src/gitops/definition-history.js';
import { withDependants } from '../../../src/gitops/pack-dependants.js';
import { createPackEvents, type PackEvent } from '../../../src/gitops/pack-events.js';
import { versionsBeyondRetention } from '../../../src/gitops/retention.js';
import { cloneDirFor, scrubSecrets } from '../../../src/packs/git-source.js';
import { isEditorTempFile } from '../../../src/packs/watch-packs.js';
import { head, version } from './records.js';

describe('withDependants()', () => {
  const graph = new Map([
    ['app', ['lib']],
    ['lib', ['core']],
    ['web', ['app']],
    ['other', []],
  ]);

  it('adds direct and transitive dependants', () => {
    expect(withDependants(['core'], graph)).toEqual(['app', 'core', 'lib', 'web']);
  });

  it('returns the packs alone when nothing depends on them', () => {
    expect(withDependants(['web', 'other'], graph)).toEqual(['other', 'web']);
  });

  it('terminates on a dependency cycle', () => {
    expect(withDependants(['a'], new Map([['a', ['b']], ['b', ['a']]]))).toEqual(['a', 'b']);
  });
});

describe('versionsBeyondRetention()', () => {
  const versions = [1, 2, 3, 4, 5].map((n) => version(n));

  it('selects all but the newest versions, oldest first', () => {
    expect(versionsBeyondRetention({ active_version: 5 }, versions, 2).map((v) => v.version)).toEqual([1, 2, 3]);
  });

  it('never selects the active version', () => {
    expect(versionsBeyondRetention({ active_version: 2 }, versions, 2).map((v) => v.version)).toEqual([1, 3]);
  });
});

describe('toHistoryEntries()', () => {
  it('shows the commit of git versions and marks the active one', () => {
    const entries = toHistoryEntries(head({ active_version: 1, latest_version: 2 }), [version(1, 'abc123'), version(2)]);
    expect(entries[0]).toMatchObject({ version: 1, active: true, commit: 'abc123', author: 'Ada <ada@example.com>', message: 'change 1' });
    expect(entries[1]).toMatchObject({ version: 2, active: false, source: 'api', commit: null, date: '2026-02-02T00:00:00.000Z' });
  });
});

describe('createPackEvents()', () => {
  const event: PackEvent = { event_type: 'pack_synced', pack_ref: 'ops', commit: null, timestamp: 't', data: {} };

  it('delivers to listeners of the type and of every type', () => {
    const events = createPackEvents();
    const seen: string[] = [];
    events.on('pack_synced', () => seen.push('typed'));
    events.on('*', () => seen.push('all'));
    events.on('pack_deleted', () => seen.push('other'));
    events.emit(event);
    expect(seen).toEqual(['typed', 'all']);
  });

  it('keeps delivering when a listener throws', () => {
    const errors: unknown[] = [];
    const events = createPackEvents({ onListenerError: (error) => errors.push(error) });
    let delivered = false;
    events.on('*', () => {
      throw new Error('broken subscriber');
    });
    events.on('*', () => {
      delivered = true;
    });
    events.emit(event);
    expect(delivered).toBe(true);
    expect(errors).toHaveLength(1);
  });

  it('stops delivering after unsubscribe', () => {
    const events = createPackEvents();
    let count = 0;
    const off = events.on('*', () => (count += 1));
    off();
    events.emit(event);
    expect(count).toBe(0);
  });
});

describe('isEditorTempFile()', () => {
  it.each(['deploy.yaml~', '.deploy.yaml.swp', '.deploy.yaml.swx', '.#deploy.yaml', '#deploy.yaml#', '4913', 'deploy.yaml.tmp', 'deploy.yaml.tmp.1234', 'deploy.yaml___jb_tmp___'])(
    'ignores %s',
    (name) => {
      expect(isEditorTempFile(name)).toBe(true);
    },
  );

  it.each(['deploy.yaml', 'build.sh', 'temperature.yaml', 'pack.yaml'])('keeps %s', (name) => {
    expect(isEditorTempFile(name)).toBe(false);
  });
});

describe('scrubSecrets()', () => {
  it('masks every secret and the credentials of a url', () => {
    expect(scrubSecrets('fatal: https://bob:pw@host/x failed with token abcd1234', ['abcd1234'])).toBe(
      'fatal: https://***@host/x failed with token ***',
    );
  });
});

describe('cloneDirFor()', () => {
  it('gives each url its own stable folder under <data_dir>/git', () => {
    const a = cloneDirFor('/data', 'https://github.com/acme/flows.git');
    expect(a).toMatch(/^\/data\/git\/[0-9a-f]{16}$/);
    expect(cloneDirFor('/data', 'https://github.com/acme/flows.git')).toBe(a);
    expect(cloneDirFor('/data', 'https://github.com/acme/other.git')).not.toBe(a);
  });
});

describe('formatCompactDiagnostic()', () => {
  it('prints one line with the location, severity, code and message', () => {
    expect(
      formatCompactDiagnostic({
        code: 'DAG_CYCLE',
        severity: 'error',
        message: 'cycle a → b → a',
        file: 'packs/ops/workflows/deploy.yaml',
        line: 4,
        column: 5,
        end_line: 4,
        end_column: 6,
        pointer: '/tasks/a',
        hint: 'remove one edge',
      }),
    ).toBe('  packs/ops/workflows/deploy.yaml:4:5  error  DAG_CYCLE  cycle a → b → a (remove one edge)');
  });
});
