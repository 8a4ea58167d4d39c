import type { ColumnDecoder } from '../rows.js';

/** better-sqlite3 returns JSON columns as text and booleans as 0/1. */
export const sqliteColumns: ColumnDecoder<string, number> = {
  json: (column) => JSON.parse(column) as unknown,
  flag: (column) => column === 1,
};
