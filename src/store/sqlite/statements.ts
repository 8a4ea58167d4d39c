import type { Database, Statement } from 'better-sqlite3';

// Keyed weakly by connection so a closed store's statements go with it.
const caches = new WeakMap<Database, Map<string, Statement<unknown[], unknown>>>();

/**
 * Returns the prepared statement for `sql` on `db`, preparing it once per connection.
 * Every SQLite repository shares this cache; preparing is the costly part of a query.
 */
export function prepared<Row = unknown>(db: Database, sql: string): Statement<unknown[], Row> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let statement = cache.get(sql);
  if (!statement) {
    statement = db.prepare<unknown[], unknown>(sql);
    cache.set(sql, statement);
  }
  return statement as Statement<unknown[], Row>;
}
