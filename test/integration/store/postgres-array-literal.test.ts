/**
 * arrayLiteral (src/store/postgres/array-literal.ts): an array parameter sent as a literal
 * built from its JSON reaches PostgreSQL as the same array the driver's own formatting sends,
 * whatever its elements; elements JSON would escape go to the driver unchanged.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../../src/store/postgres/array-literal.js';
import { TEST_DATABASE_URL, pgSuiteName } from './pg-test-db.js';

const TEXTS: Array<Array<string | null>> = [
  [],
  ['0193a1c2-7d4e-7c3b-9f00-1a2b3c4d5e6f', 'running', '2026-12-05T16:00:00.000Z'],
  [null, 'a', null],
  ['NULL', 'null', '', ' ', '{', '}', ',', "'", 'a b', 'ünï €', '😀'],
  ['say "hi"', 'back\\slash', 'tab\there', 'line\nbreak', '\u0001', '{"a":1}'],
];

describe('arrayLiteral', () => {
  it('builds the literal from the JSON when nothing in it is escaped', () => {
    expect(arrayLiteral(['a', null, 'b c'])).toBe('{"a",null,"b c"}');
    expect(arrayLiteral([1, 22, 333])).toBe('{1,22,333}');
    expect(arrayLiteral([true, false, null])).toBe('{true,false,null}');
    expect(arrayLiteral([])).toBe('{}');
  });

  it('hands an array whose JSON escapes anything to the driver as it is', () => {
    for (const values of [['say "hi"'], ['back\\slash'], ['line\nbreak'], ['\u0001'], ['{"a":1}']]) {
      expect(arrayLiteral(values)).toBe(values);
    }
  });
});

describe.skipIf(!TEST_DATABASE_URL)(pgSuiteName('arrayLiteral on the server'), () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
  });

  it('reads back as the array the driver sends, element for element', async () => {
    for (const values of TEXTS) {
      const { rows } = await client.query<{ mine: Array<string | null>; driver: Array<string | null> }>(
        'SELECT $1::text[] AS mine, $2::text[] AS driver', [arrayLiteral(values), values]);
      expect(rows[0]!.mine).toEqual(values);
      expect(rows[0]!.driver).toEqual(values);
    }
    const numbers = [0, 1, -5, 2 ** 40, null];
    const flags = [true, false, null];
    const { rows } = await client.query<{ n: Array<string | null>; b: Array<boolean | null> }>(
      'SELECT $1::bigint[] AS n, $2::bool[] AS b', [arrayLiteral(numbers), arrayLiteral(flags)]);
    expect(rows[0]!.n).toEqual(numbers.map((n) => (n === null ? null : String(n))));
    expect(rows[0]!.b).toEqual(flags);
  });
});
