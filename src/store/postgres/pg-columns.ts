import type { ColumnDecoder } from '../rows.js';

/** node-postgres returns json/jsonb and boolean columns already decoded. */
export const pgColumns: ColumnDecoder<unknown, boolean> = {
  json: (column) => column,
  flag: (column) => column,
};
