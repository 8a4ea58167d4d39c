import { HarmoniaError } from '../../core/errors.js';
import type { ComponentRecord } from '../../core/model.js';
import * as rows from '../rows.js';
import type { ComponentRepo } from '../store.js';
import type { PgExecutor } from './executor.js';
import { pgColumns } from './pg-columns.js';
import { pgCode } from './pg-errors.js';

type ComponentRow = rows.ComponentRow<unknown>;

const UPSERT = `
  INSERT INTO components (id, name, base_url, capabilities, metadata, registered_at, last_heartbeat_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (id) DO UPDATE SET
    name = excluded.name,
    base_url = excluded.base_url,
    capabilities = excluded.capabilities,
    metadata = excluded.metadata,
    registered_at = excluded.registered_at,
    last_heartbeat_at = excluded.last_heartbeat_at`;
// An id match wins over a name match, so a component named like another's id stays reachable.
const SELECT_ONE = 'SELECT * FROM components WHERE id = $1 OR name = $1 ORDER BY (id = $1) DESC LIMIT 1';

function toRecord(row: ComponentRow): ComponentRecord {
  return rows.componentFromRow(row, pgColumns);
}

/** Remote components in the `components` table. */
export class PostgresComponentRepo implements ComponentRepo {
  constructor(private readonly exec: PgExecutor) {}

  /** Thrown when another component already has the name: STORE_CONFLICT. */
  upsertComponent(record: ComponentRecord): Promise<void> {
    return this.exec.write(async (query) => {
      try {
        await query(UPSERT, [
          record.id,
          record.name,
          record.base_url,
          JSON.stringify(record.capabilities),
          JSON.stringify(record.metadata),
          record.registered_at,
          record.last_heartbeat_at,
        ]);
      } catch (error) {
        if (pgCode(error) !== '23505') throw error;
        throw new HarmoniaError('STORE_CONFLICT', `a component named '${record.name}' already exists with another id`, {
          details: { name: record.name },
          cause: error,
        });
      }
    });
  }

  getComponent(idOrName: string): Promise<ComponentRecord | null> {
    return this.exec.read(async (query) => {
      const [row] = await query<ComponentRow>(SELECT_ONE, [idOrName]);
      return row === undefined ? null : toRecord(row);
    });
  }

  listComponents(): Promise<ComponentRecord[]> {
    return this.exec.read(async (query) => (await query<ComponentRow>('SELECT * FROM components ORDER BY name')).map(toRecord));
  }

  heartbeat(id: string, at: string): Promise<boolean> {
    return this.exec.write(
      async (query) => (await query('UPDATE components SET last_heartbeat_at = $1 WHERE id = $2 RETURNING id', [at, id])).length > 0,
    );
  }

  deleteComponent(id: string): Promise<boolean> {
    return this.exec.write(async (query) => (await query('DELETE FROM components WHERE id = $1 RETURNING id', [id])).length > 0);
  }
}
