import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { prepared } from '../../../src/store/sqlite/statements.js';

describe('prepared()', () => {
  it('prepares a statement once per connection and reuses it', () => {
    const db = new Database(':memory:');
    expect(prepared(db, 'SELECT 1')).toBe(prepared(db, 'SELECT 1'));
    db.close();
  });

  it('keeps separate statements for separate connections', () => {
    const first = new Database(':memory:');
    const second = new Database(':memory:');
    const statement = prepared<{ n: number }>(second, 'SELECT 2 AS n');
    expect(prepared(first, 'SELECT 2 AS n')).not.toBe(statement);
    expect(statement.get()).toEqual({ n: 2 });
    first.close();
    second.close();
  });
});
