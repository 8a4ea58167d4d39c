import { toStoreError } from './sqlite-errors.js';
import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { assertPurgeable, firstTaken, nextVersion, refNotFound, versionNotFound } from '../registry-rules.js';
import { HarmoniaError } from '../../core/errors.js';
import type { DefinitionHead, DefinitionKind, DefinitionRecord, PackManifest, PackRecord, RunnableDefinition } from '../../core/model.js';
import { countsByPack, likePattern, pageOf } from '../definition-query.js';
import * as rows from '../rows.js';
import type { DefinitionFile, DefinitionQuery, NewDefinitionFile, NewDefinitionVersion, RegistryRepo } from '../store.js';
import type { SqliteExecutor } from './executor.js';
import { sqliteColumns } from './sqlite-columns.js';
import { prepared } from './statements.js';
import { headCacheOf } from './head-cache.js';

type PackRow = rows.PackRow<string>;
type DefinitionRow = rows.DefinitionRow<string>;
type RunnableRow = Omit<DefinitionRow, 'source'>;
type HeadRow = rows.HeadRow<number>;

const SELECT_HEAD = 'SELECT * FROM definition_heads WHERE kind = ? AND ref = ?';
const SELECT_VERSION = 'SELECT * FROM definitions WHERE kind = ? AND ref = ? AND version = ?';
const SELECT_RUNNABLE = `SELECT ${rows.RUNNABLE_COLUMNS} FROM definitions WHERE kind = ? AND ref = ? AND version = ?`;
const SELECT_RUNNABLE_BY_ID = `SELECT ${rows.RUNNABLE_COLUMNS} FROM definitions WHERE id = ?`;
const SELECT_ACTIVE = `
  SELECT d.* FROM definition_heads h
  JOIN definitions d ON d.kind = h.kind AND d.ref = h.ref AND d.version = h.active_version
  WHERE h.kind = ? AND h.ref = ? AND h.deleted_at IS NULL`;
// One filter for both the page and its total, so they can never disagree.
const ACTIVE_FILTER = `
  FROM definition_heads h
  JOIN definitions d ON d.kind = h.kind AND d.ref = h.ref AND d.version = h.active_version
  WHERE h.kind = @kind
    AND (@pack_ref IS NULL OR h.pack_ref = @pack_ref)
    AND (@include_deleted = 1 OR h.deleted_at IS NULL)
    AND (@pattern IS NULL
      OR d.ref LIKE @pattern ESCAPE '\\'
      OR json_extract(d.body, '$.name') LIKE @pattern ESCAPE '\\'
      OR json_extract(d.body, '$.description') LIKE @pattern ESCAPE '\\')`;

function now(): string {
  return new Date().toISOString();
}

function toPack(row: PackRow): PackRecord {
  return rows.packFromRow(row, sqliteColumns);
}

function toDefinition(row: DefinitionRow): DefinitionRecord {
  return rows.definitionFromRow(row, sqliteColumns);
}

function toHead(row: HeadRow): DefinitionHead {
  return rows.headFromRow(row, sqliteColumns);
}

/** The registry over SQLite: packs, immutable definition versions and one head per ref. */
export class SqliteRegistryRepo implements RegistryRepo {
  constructor(private readonly exec: SqliteExecutor) {}

  /**
   * Runs `fn`, forgetting the connection's cached heads first: every method but getHead goes
   * through here, so a write added later cannot leave a stale head behind (a read only costs
   * the next start one head read).
   */
  private run<T>(fn: (db: Database) => T): Promise<T> {
    return this.exec.run((db) => {
      headCacheOf(db).clear();
      try {
        return fn(db);
      } catch (error) {
        throw toStoreError(error);
      }
    });
  }

  upsertPack(manifest: PackManifest): Promise<PackRecord> {
    return this.run((db) => {
      const at = now();
      const row = prepared<PackRow>(
        db,
        `INSERT INTO packs (ref, manifest, created_at, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (ref) DO UPDATE SET manifest = excluded.manifest, updated_at = excluded.updated_at
         RETURNING *`,
      ).get(manifest.ref, JSON.stringify(manifest), at, at);
      if (!row) throw new HarmoniaError('INTERNAL', `upsert of pack '${manifest.ref}' returned no row`);
      return toPack(row);
    });
  }

  insertPack(manifest: PackManifest): Promise<PackRecord | null> {
    return this.run((db) => {
      const at = now();
      const row = prepared<PackRow>(
        db,
        'INSERT INTO packs (ref, manifest, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (ref) DO NOTHING RETURNING *',
      ).get(manifest.ref, JSON.stringify(manifest), at, at);
      return row ? toPack(row) : null;
    });
  }

  getPack(ref: string): Promise<PackRecord | null> {
    return this.run((db) => {
      const row = prepared<PackRow>(db, 'SELECT * FROM packs WHERE ref = ?').get(ref);
      return row ? toPack(row) : null;
    });
  }

  listPacks(): Promise<PackRecord[]> {
    return this.run((db) => prepared<PackRow>(db, 'SELECT * FROM packs ORDER BY ref').all().map(toPack));
  }

  deletePack(ref: string): Promise<boolean> {
    return this.run((db) =>
      db.transaction(() => {
        const at = now();
        const removed = prepared(db, 'DELETE FROM packs WHERE ref = ?').run(ref).changes > 0;
        prepared(
          db,
          'UPDATE definition_heads SET deleted_at = ?, updated_at = ? WHERE pack_ref = ? AND deleted_at IS NULL',
        ).run(at, at, ref);
        return removed;
      })(),
    );
  }

  addVersion(input: NewDefinitionVersion): Promise<DefinitionRecord> {
    return this.run((db) =>
      db.transaction(() => {
        const at = now();
        const head = prepared<HeadRow>(db, SELECT_HEAD).get(input.kind, input.ref);
        if (input.first === true && head) throw firstTaken(input);
        const row: DefinitionRow = {
          id: randomUUID(),
          kind: input.kind,
          ref: input.ref,
          pack_ref: input.pack_ref,
          version: nextVersion(head),
          content_hash: input.content_hash,
          body: JSON.stringify(input.body),
          source: input.source,
          file: input.file,
          origin: JSON.stringify(input.origin),
          created_at: at,
        };
        prepared(
          db,
          `INSERT INTO definitions (id, kind, ref, pack_ref, version, content_hash, body, source, file, origin, created_at)
           VALUES (@id, @kind, @ref, @pack_ref, @version, @content_hash, @body, @source, @file, @origin, @created_at)`,
        ).run(row);
        prepared(
          db,
          `INSERT INTO definition_heads (kind, ref, pack_ref, active_version, latest_version, pinned, deleted_at, updated_at)
           VALUES (@kind, @ref, @pack_ref, @version, @version, 0, NULL, @at)
           ON CONFLICT (kind, ref) DO UPDATE SET
             pack_ref = excluded.pack_ref,
             active_version = CASE WHEN definition_heads.pinned = 1 THEN definition_heads.active_version
                                   ELSE excluded.active_version END,
             latest_version = excluded.latest_version,
             deleted_at = NULL,
             updated_at = excluded.updated_at`,
        ).run({ kind: row.kind, ref: row.ref, pack_ref: row.pack_ref, version: row.version, at });
        return toDefinition(row);
      })(),
    );
  }

  getHead(kind: DefinitionKind, ref: string): Promise<DefinitionHead | null> {
    return this.exec.run((db) => {
      const heads = headCacheOf(db);
      const key = `${kind} ${ref}`;
      const cached = heads.get(key);
      if (cached !== undefined) return cached;
      try {
        const row = prepared<HeadRow>(db, SELECT_HEAD).get(kind, ref);
        const head = row ? toHead(row) : null;
        heads.set(key, head);
        return head;
      } catch (error) {
        throw toStoreError(error);
      }
    });
  }

  getActive(kind: DefinitionKind, ref: string): Promise<DefinitionRecord | null> {
    return this.run((db) => {
      const row = prepared<DefinitionRow>(db, SELECT_ACTIVE).get(kind, ref);
      return row ? toDefinition(row) : null;
    });
  }

  getVersion(kind: DefinitionKind, ref: string, version: number): Promise<DefinitionRecord | null> {
    return this.run((db) => {
      const row = prepared<DefinitionRow>(db, SELECT_VERSION).get(kind, ref, version);
      return row ? toDefinition(row) : null;
    });
  }

  getById(id: string): Promise<DefinitionRecord | null> {
    return this.run((db) => {
      const row = prepared<DefinitionRow>(db, 'SELECT * FROM definitions WHERE id = ?').get(id);
      return row ? toDefinition(row) : null;
    });
  }

  getRunnable(kind: DefinitionKind, ref: string, version: number): Promise<RunnableDefinition | null> {
    return this.run((db) => {
      const row = prepared<RunnableRow>(db, SELECT_RUNNABLE).get(kind, ref, version);
      return row ? rows.runnableFromRow(row, sqliteColumns) : null;
    });
  }

  getRunnableById(id: string): Promise<RunnableDefinition | null> {
    return this.run((db) => {
      const row = prepared<RunnableRow>(db, SELECT_RUNNABLE_BY_ID).get(id);
      return row ? rows.runnableFromRow(row, sqliteColumns) : null;
    });
  }

  listVersions(kind: DefinitionKind, ref: string): Promise<DefinitionRecord[]> {
    return this.run((db) =>
      prepared<DefinitionRow>(db, 'SELECT * FROM definitions WHERE kind = ? AND ref = ? ORDER BY version')
        .all(kind, ref)
        .map(toDefinition),
    );
  }

  listActive(query: DefinitionQuery): Promise<{ items: DefinitionRecord[]; total: number }> {
    const { limit, offset } = pageOf(query);
    const params = {
      kind: query.kind,
      pack_ref: query.pack_ref ?? null,
      include_deleted: query.include_deleted === true ? 1 : 0,
      pattern: query.text ? likePattern(query.text) : null,
    };
    return this.run((db) => {
      const items = prepared<DefinitionRow>(db, `SELECT d.* ${ACTIVE_FILTER} ORDER BY h.ref LIMIT @limit OFFSET @offset`)
        .all({ ...params, limit, offset })
        .map(toDefinition);
      const counted = prepared<{ total: number }>(db, `SELECT COUNT(*) AS total ${ACTIVE_FILTER}`).get(params);
      return { items, total: counted?.total ?? 0 };
    });
  }

  countByPack(kind: DefinitionKind, pack_ref: string): Promise<number> {
    return this.run((db) => {
      const row = prepared<{ n: number }>(
        db,
        'SELECT COUNT(*) AS n FROM definition_heads WHERE kind = ? AND pack_ref = ? AND deleted_at IS NULL',
      ).get(kind, pack_ref);
      return row?.n ?? 0;
    });
  }

  getHeads(kind: DefinitionKind, refs: readonly string[]): Promise<Map<string, DefinitionHead>> {
    return this.run((db) => {
      const found = prepared<HeadRow>(db, 'SELECT * FROM definition_heads WHERE kind = ? AND ref IN (SELECT value FROM json_each(?))').all(
        kind,
        JSON.stringify(refs),
      );
      return new Map(found.map((row) => [row.ref, toHead(row)]));
    });
  }

  countDefinitionsByPack(): Promise<Map<string, Record<DefinitionKind, number>>> {
    return this.run((db) =>
      countsByPack(
        prepared<{ pack_ref: string; kind: DefinitionKind; n: number }>(
          db,
          'SELECT pack_ref, kind, COUNT(*) AS n FROM definition_heads WHERE deleted_at IS NULL GROUP BY pack_ref, kind',
        ).all(),
      ),
    );
  }

  markDeleted(kind: DefinitionKind, ref: string): Promise<void> {
    return this.run((db) => {
      const at = now();
      const changes = prepared(
        db,
        `UPDATE definition_heads SET deleted_at = COALESCE(deleted_at, ?), updated_at = ? WHERE kind = ? AND ref = ?`,
      ).run(at, at, kind, ref).changes;
      if (changes === 0) throw refNotFound(kind, ref);
    });
  }

  setActive(kind: DefinitionKind, ref: string, version: number, pinned: boolean): Promise<void> {
    return this.run((db) => {
      if (!prepared(db, SELECT_VERSION).get(kind, ref, version)) {
        throw versionNotFound(kind, ref, version);
      }
      // Making a version active also brings a pruned ref back: that is how an unchanged
      // file that reappears is restored without writing a new version.
      prepared(
        db,
        `UPDATE definition_heads SET active_version = ?, pinned = ?, deleted_at = NULL, updated_at = ?
         WHERE kind = ? AND ref = ?`,
      ).run(version, pinned ? 1 : 0, now(), kind, ref);
    });
  }

  purgeVersion(kind: DefinitionKind, ref: string, version: number): Promise<boolean> {
    return this.run((db) =>
      db.transaction(() => {
        const head = prepared<HeadRow>(db, SELECT_HEAD).get(kind, ref);
        assertPurgeable(head, kind, ref, version);
        return prepared(db, 'DELETE FROM definitions WHERE kind = ? AND ref = ? AND version = ?').run(kind, ref, version)
          .changes > 0;
      })(),
    );
  }

  addFiles(definitionId: string, files: readonly NewDefinitionFile[]): Promise<void> {
    return this.run((db) =>
      db.transaction(() => {
        for (const file of files) {
          prepared(db, 'INSERT INTO file_contents (sha256, size, content) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING').run(
            file.sha256,
            file.content.byteLength,
            Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength),
          );
          prepared(db, 'INSERT INTO definition_files (definition_id, path, sha256) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(
            definitionId,
            file.path,
            file.sha256,
          );
        }
      })(),
    );
  }

  listFiles(definitionId: string): Promise<DefinitionFile[]> {
    return this.run((db) =>
      prepared<DefinitionFile>(
        db,
        `SELECT f.path, f.sha256, c.size FROM definition_files f JOIN file_contents c ON c.sha256 = f.sha256
         WHERE f.definition_id = ? ORDER BY f.path`,
      ).all(definitionId),
    );
  }

  readFile(sha256: string): Promise<Uint8Array | null> {
    return this.run((db) => {
      const row = prepared<{ content: Buffer }>(db, 'SELECT content FROM file_contents WHERE sha256 = ?').get(sha256);
      return row ? new Uint8Array(row.content) : null;
    });
  }
}
