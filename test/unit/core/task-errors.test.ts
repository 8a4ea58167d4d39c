import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isKnownTaskErrorType, TASK_ERROR_TYPES } from '../../../src/core/task-errors.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const sources = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );

describe('TASK_ERROR_TYPES', () => {
  it('lists every error type the source gives a failed task', () => {
    const used = new Set<string>();
    const patterns = [/errorResult\(\s*'([A-Z_]+)'/g, /error_type: '([A-Z_]+)'/g, /\btype: '([A-Z_]+)', message/g];
    for (const file of sources(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const pattern of patterns) for (const match of text.matchAll(pattern)) used.add(match[1] ?? '');
    }
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((type) => !isKnownTaskErrorType(type)).sort()).toEqual([]);
  });

  it('tells listed types from other words', () => {
    expect(isKnownTaskErrorType('TIMEOUT')).toBe(true);
    expect(isKnownTaskErrorType('toString')).toBe(false);
    expect(Object.keys(TASK_ERROR_TYPES)).toContain('INTERRUPTED');
  });
});
