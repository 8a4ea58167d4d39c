import { isConstraintError } from './sqlite-errors.js';
import { HarmoniaError } from '../../core/errors.js';
import type { ComponentRecord } from '../../core/model.js';
import * as rows from '../rows.js';
import type { ComponentRepo } from '../store.js';
import type { SqliteExecutor } from './executor.js';
import { sqliteColumns } from './sqlite-columns.js';
import { prepared } from './statements.js';

type ComponentRow = rows.ComponentRow<string>;

const UPSERT = `
  INSERT INTO components (id, name, base_url, capabilities, metadata, registered_at, last_heartbeat_at)
  VALUES (@id, @name, @base_url, @capabilities, @metadata, @registered_at, @last_heartbeat_at)
  ON CONFLICT (id) DO UPDATE SET
    name = excluded.name,
    base_url = excluded.base_url,
    capabilities = excluded.capabilities,
    metadata = excluded.metadata,
    registered_at = excluded.registered_at,
    last_heartbeat_at = excluded.last_heartbeat_at`;
// An id match wins over a name match, so a component named like another's id stays reachable.
const SELECT_ONE = 'SELECT * FROM components WHERE id = @key OR name = @key ORDER BY (id = @key) DESC LIMIT 1';

function toRecord(row: ComponentRow): ComponentRecord {
  return rows.componentFromRow(row, sqliteColumns);
}

/** Remote components in the `components` table. */
export class SqliteComponentRepo implements ComponentRepo {
  constructor(private readonly exec: SqliteExecutor) {}

  /** Thrown when another component already has the name: STORE_CONFLICT. */
  upsertComponent(record: ComponentRecord): Promise<void> {
    return this.exec.run((db) => {
      try {
        prepared(db, UPSERT).run({
          ...record,
          capabilities: JSON.stringify(record.capabilities),
          metadata: JSON.stringify(record.metadata),
        });
      } catch (error) {
        if (!isConstraintError(error)) throw error;
        throw new HarmoniaError('STORE_CONFLICT', `a component named '${record.name}' already exists with another id`, {
          details: { name: record.name },
          cause: error,
        });
      }
    });
  }

  getComponent(idOrName: string): Promise<ComponentRecord | null> {
    return this.exec.run((db) => {
      const row = prepared<ComponentRow>(db, SELECT_ONE).get({ key: idOrName });
      return row === undefined ? null : toRecord(row);
    });
  }

  listComponents(): Promise<ComponentRecord[]> {
    return this.exec.run((db) => prepared<ComponentRow>(db, 'SELECT * FROM components ORDER BY name').all().map(toRecord));
  }

  heartbeat(id: string, at: string): Promise<boolean> {
    return this.exec.run(
      (db) => prepared(db, 'UPDATE components SET last_heartbeat_at = ? WHERE id = ?').run(at, id).changes > 0,
    );
  }

  deleteComponent(id: string): Promise<boolean> {
    return this.exec.run((db) => prepared(db, 'DELETE FROM components WHERE id = ?').run(id).changes > 0);
  }
}
