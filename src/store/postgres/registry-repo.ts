import { randomUUID } from 'node:crypto';
import { assertPurgeable, firstTaken, nextVersion, refNotFound, versionNotFound } from '../registry-rules.js';
import { HarmoniaError } from '../../core/errors.js';
import type { DefinitionHead, DefinitionKind, DefinitionRecord, PackManifest, PackRecord, RunnableDefinition } from '../../core/model.js';
import type { DefinitionFile, DefinitionQuery, NewDefinitionFile, NewDefinitionVersion, RegistryRepo } from '../store.js';
import type { PgExecutor } from './executor.js';
import {
  RUNNABLE_COLUMNS,
  type RunnableRow,
  toRunnable,
  type DefinitionRow,
  type HeadRow,
  type PackRow,
  countsByPack,
  likePattern,
  pageOf,
  toDefinition,
  toHead,
  toPack,
} from './registry-rows.js';

const SELECT_HEAD = 'SELECT * FROM definition_heads WHERE kind = $1 AND ref = $2';
const SELECT_VERSION = 'SELECT * FROM definitions WHERE kind = $1 AND ref = $2 AND version = $3';
const SELECT_RUNNABLE = `SELECT ${RUNNABLE_COLUMNS} FROM definitions WHERE kind = $1 AND ref = $2 AND version = $3`;
const SELECT_RUNNABLE_BY_ID = `SELECT ${RUNNABLE_COLUMNS} FROM definitions WHERE id = $1`;
const SELECT_ACTIVE = `
  SELECT d.* FROM definition_heads h
  JOIN definitions d ON d.kind = h.kind AND d.ref = h.ref AND d.version = h.active_version
  WHERE h.kind = $1 AND h.ref = $2 AND h.deleted_at IS NULL`;
// One filter for both the page and its total, so they can never disagree. ILIKE in the
// "C" collation folds ASCII only, as SQLite's LIKE does.
const ACTIVE_FILTER = `
  FROM definition_heads h
  JOIN definitions d ON d.kind = h.kind AND d.ref = h.ref AND d.version = h.active_version
  WHERE h.kind = $1
    AND ($2::text IS NULL OR h.pack_ref = $2)
    AND ($3 OR h.deleted_at IS NULL)
    AND ($4::text IS NULL
      OR d.ref ILIKE $4 ESCAPE '\\'
      OR (d.body ->> 'name') COLLATE "C" ILIKE $4 ESCAPE '\\'
      OR (d.body ->> 'description') COLLATE "C" ILIKE $4 ESCAPE '\\')`;

function now(): string {
  return new Date().toISOString();
}

/** The registry over PostgreSQL: packs, immutable definition versions and one head per ref. */
export class PostgresRegistryRepo implements RegistryRepo {
  constructor(private readonly exec: PgExecutor) {}

  upsertPack(manifest: PackManifest): Promise<PackRecord> {
    return this.exec.write(async (query) => {
      const at = now();
      const [row] = await query<PackRow>(
        `INSERT INTO packs (ref, manifest, created_at, updated_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (ref) DO UPDATE SET manifest = excluded.manifest, updated_at = excluded.updated_at
         RETURNING *`,
        [manifest.ref, JSON.stringify(manifest), at],
      );
      if (!row) throw new HarmoniaError('INTERNAL', `upsert of pack '${manifest.ref}' returned no row`);
      return toPack(row);
    });
  }

  insertPack(manifest: PackManifest): Promise<PackRecord | null> {
    return this.exec.write(async (query) => {
      const at = now();
      const [row] = await query<PackRow>(
        'INSERT INTO packs (ref, manifest, created_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT (ref) DO NOTHING RETURNING *',
        [manifest.ref, JSON.stringify(manifest), at],
      );
      return row ? toPack(row) : null;
    });
  }

  getPack(ref: string): Promise<PackRecord | null> {
    return this.exec.read(async (query) => {
      const [row] = await query<PackRow>('SELECT * FROM packs WHERE ref = $1', [ref]);
      return row ? toPack(row) : null;
    });
  }

  listPacks(): Promise<PackRecord[]> {
    return this.exec.read(async (query) => (await query<PackRow>('SELECT * FROM packs ORDER BY ref')).map(toPack));
  }

  deletePack(ref: string): Promise<boolean> {
    return this.exec.atomic(async (query) => {
      const at = now();
      const removed = (await query('DELETE FROM packs WHERE ref = $1 RETURNING ref', [ref])).length > 0;
      await query(
        'UPDATE definition_heads SET deleted_at = $1, updated_at = $1 WHERE pack_ref = $2 AND deleted_at IS NULL',
        [at, ref],
      );
      return removed;
    });
  }

  addVersion(input: NewDefinitionVersion): Promise<DefinitionRecord> {
    return this.exec.atomic(async (query) => {
      const at = now();
      // The row lock orders concurrent writers of one ref; two first versions racing
      // meet on UNIQUE (kind, ref, version) instead and one gets STORE_CONFLICT.
      const [head] = await query<HeadRow>(`${SELECT_HEAD} FOR UPDATE`, [input.kind, input.ref]);
      if (input.first === true && head) throw firstTaken(input);
      const row: DefinitionRow = {
        id: randomUUID(),
        kind: input.kind,
        ref: input.ref,
        pack_ref: input.pack_ref,
        version: nextVersion(head),
        content_hash: input.content_hash,
        body: input.body,
        source: input.source,
        file: input.file,
        origin: input.origin,
        created_at: at,
      };
      await query(
        `INSERT INTO definitions (id, kind, ref, pack_ref, version, content_hash, body, source, file, origin, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          row.id,
          row.kind,
          row.ref,
          row.pack_ref,
          row.version,
          row.content_hash,
          JSON.stringify(row.body),
          row.source,
          row.file,
          JSON.stringify(row.origin),
          row.created_at,
        ],
      );
      await query(
        `INSERT INTO definition_heads (kind, ref, pack_ref, active_version, latest_version, pinned, deleted_at, updated_at)
         VALUES ($1, $2, $3, $4, $4, FALSE, NULL, $5)
         ON CONFLICT (kind, ref) DO UPDATE SET
           pack_ref = excluded.pack_ref,
           active_version = CASE WHEN definition_heads.pinned THEN definition_heads.active_version
                                 ELSE excluded.active_version END,
           latest_version = excluded.latest_version,
           deleted_at = NULL,
           updated_at = excluded.updated_at`,
        [row.kind, row.ref, row.pack_ref, row.version, at],
      );
      return toDefinition(row);
    });
  }

  getHead(kind: DefinitionKind, ref: string): Promise<DefinitionHead | null> {
    return this.exec.read(async (query) => {
      const [row] = await query<HeadRow>(SELECT_HEAD, [kind, ref]);
      return row ? toHead(row) : null;
    });
  }

  getActive(kind: DefinitionKind, ref: string): Promise<DefinitionRecord | null> {
    return this.exec.read(async (query) => {
      const [row] = await query<DefinitionRow>(SELECT_ACTIVE, [kind, ref]);
      return row ? toDefinition(row) : null;
    });
  }

  getVersion(kind: DefinitionKind, ref: string, version: number): Promise<DefinitionRecord | null> {
    return this.exec.read(async (query) => {
      const [row] = await query<DefinitionRow>(SELECT_VERSION, [kind, ref, version]);
      return row ? toDefinition(row) : null;
    });
  }

  getById(id: string): Promise<DefinitionRecord | null> {
    return this.exec.read(async (query) => {
      const [row] = await query<DefinitionRow>('SELECT * FROM definitions WHERE id = $1', [id]);
      return row ? toDefinition(row) : null;
    });
  }

  getRunnable(kind: DefinitionKind, ref: string, version: number): Promise<RunnableDefinition | null> {
    return this.exec.read(async (query) => {
      const [row] = await query<RunnableRow>(SELECT_RUNNABLE, [kind, ref, version]);
      return row ? toRunnable(row) : null;
    });
  }

  getRunnableById(id: string): Promise<RunnableDefinition | null> {
    return this.exec.read(async (query) => {
      const [row] = await query<RunnableRow>(SELECT_RUNNABLE_BY_ID, [id]);
      return row ? toRunnable(row) : null;
    });
  }

  listVersions(kind: DefinitionKind, ref: string): Promise<DefinitionRecord[]> {
    return this.exec.read(async (query) =>
      (await query<DefinitionRow>('SELECT * FROM definitions WHERE kind = $1 AND ref = $2 ORDER BY version', [kind, ref])).map(
        toDefinition,
      ),
    );
  }

  listActive(query: DefinitionQuery): Promise<{ items: DefinitionRecord[]; total: number }> {
    const { limit, offset } = pageOf(query);
    const params = [query.kind, query.pack_ref ?? null, query.include_deleted === true, query.text ? likePattern(query.text) : null];
    return this.exec.read(async (run) => {
      // The window count rides along with the page; only a page past the end needs a second query.
      const rows = await run<DefinitionRow & { total: string }>(
        `SELECT d.*, COUNT(*) OVER () AS total ${ACTIVE_FILTER} ORDER BY h.ref LIMIT $5 OFFSET $6`,
        [...params, limit, offset],
      );
      const first = rows[0];
      if (first) return { items: rows.map(toDefinition), total: Number(first.total) };
      const [counted] = await run<{ total: string }>(`SELECT COUNT(*) AS total ${ACTIVE_FILTER}`, params);
      return { items: [], total: Number(counted?.total ?? 0) };
    });
  }

  getHeads(kind: DefinitionKind, refs: readonly string[]): Promise<Map<string, DefinitionHead>> {
    return this.exec.read(async (query) => {
      const found = await query<HeadRow>('SELECT * FROM definition_heads WHERE kind = $1 AND ref = ANY($2::text[])', [kind, [...refs]]);
      return new Map(found.map((row) => [row.ref, toHead(row)]));
    });
  }

  countDefinitionsByPack(): Promise<Map<string, Record<DefinitionKind, number>>> {
    return this.exec.read(async (query) => {
      const found = await query<{ pack_ref: string; kind: DefinitionKind; n: string }>(
        'SELECT pack_ref, kind, COUNT(*) AS n FROM definition_heads WHERE deleted_at IS NULL GROUP BY pack_ref, kind',
      );
      return countsByPack(found.map((row) => ({ ...row, n: Number(row.n) })));
    });
  }

  countByPack(kind: DefinitionKind, pack_ref: string): Promise<number> {
    return this.exec.read(async (query) => {
      const [row] = await query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM definition_heads WHERE kind = $1 AND pack_ref = $2 AND deleted_at IS NULL',
        [kind, pack_ref],
      );
      return Number(row?.n ?? 0);
    });
  }

  markDeleted(kind: DefinitionKind, ref: string): Promise<void> {
    return this.exec.write(async (query) => {
      const at = now();
      const changed = await query(
        `UPDATE definition_heads SET deleted_at = COALESCE(deleted_at, $1), updated_at = $1 WHERE kind = $2 AND ref = $3
         RETURNING ref`,
        [at, kind, ref],
      );
      if (changed.length === 0) throw refNotFound(kind, ref);
    });
  }

  setActive(kind: DefinitionKind, ref: string, version: number, pinned: boolean): Promise<void> {
    return this.exec.write(async (query) => {
      // Making a version active also brings a pruned ref back: that is how an unchanged
      // file that reappears is restored without writing a new version.
      const changed = await query(
        `UPDATE definition_heads SET active_version = $3, pinned = $4, deleted_at = NULL, updated_at = $5
         WHERE kind = $1 AND ref = $2
           AND EXISTS (SELECT 1 FROM definitions WHERE kind = $1 AND ref = $2 AND version = $3)
         RETURNING ref`,
        [kind, ref, version, pinned, now()],
      );
      if (changed.length === 0) {
        throw versionNotFound(kind, ref, version);
      }
    });
  }

  purgeVersion(kind: DefinitionKind, ref: string, version: number): Promise<boolean> {
    return this.exec.atomic(async (query) => {
      const [head] = await query<HeadRow>(`${SELECT_HEAD} FOR UPDATE`, [kind, ref]);
      assertPurgeable(head, kind, ref, version);
      const removed = await query('DELETE FROM definitions WHERE kind = $1 AND ref = $2 AND version = $3 RETURNING id', [
        kind,
        ref,
        version,
      ]);
      return removed.length > 0;
    });
  }

  addFiles(definitionId: string, files: readonly NewDefinitionFile[]): Promise<void> {
    return this.exec.atomic(async (query) => {
      for (const file of files) {
        await query('INSERT INTO file_contents (sha256, size, content) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [
          file.sha256,
          file.content.byteLength,
          Buffer.from(file.content.buffer, file.content.byteOffset, file.content.byteLength),
        ]);
        await query('INSERT INTO definition_files (definition_id, path, sha256) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
          definitionId,
          file.path,
          file.sha256,
        ]);
      }
    });
  }

  listFiles(definitionId: string): Promise<DefinitionFile[]> {
    return this.exec.read(async (query) => {
      const rows = await query<{ path: string; sha256: string; size: number | string }>(
        `SELECT f.path, f.sha256, c.size FROM definition_files f JOIN file_contents c ON c.sha256 = f.sha256
         WHERE f.definition_id = $1 ORDER BY f.path`,
        [definitionId],
      );
      return rows.map((row) => ({ path: row.path, sha256: row.sha256, size: Number(row.size) }));
    });
  }

  readFile(sha256: string): Promise<Uint8Array | null> {
    return this.exec.read(async (query) => {
      const [row] = await query<{ content: Buffer }>('SELECT content FROM file_contents WHERE sha256 = $1', [sha256]);
      return row ? new Uint8Array(row.content) : null;
    });
  }
}
