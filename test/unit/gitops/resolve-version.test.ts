import { describe, expect, it } from 'vitest';
import { isHarmoniaError } from '../../../src/core/errors.js';
import { resolveVersion } from '../../../src/gitops/resolve-version.js';
import { version } from './records.js';

const versions = [version(1, 'aaaa1111'), version(2, 'aaab2222'), version(3, 'cccc3333'), version(4)];

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isHarmoniaError(error) ? error.code : 'not a HarmoniaError';
  }
  return undefined;
}

describe('resolveVersion()', () => {
  it('finds a version by number', () => {
    expect(resolveVersion(versions, '2').version).toBe(2);
    expect(resolveVersion(versions, 3).version).toBe(3);
  });

  it('finds a version by a commit prefix', () => {
    expect(resolveVersion(versions, 'cccc').version).toBe(3);
    expect(resolveVersion(versions, 'AAAB2222').version).toBe(2);
  });

  it('refuses a prefix that names several commits', () => {
    expect(codeOf(() => resolveVersion(versions, 'aaa1'))).toBe('VERSION_NOT_FOUND');
    expect(codeOf(() => resolveVersion([...versions, version(5, 'aaaa9999')], 'aaaa'))).toBe('USAGE_INVALID');
  });

  it('refuses a prefix shorter than four digits', () => {
    expect(codeOf(() => resolveVersion(versions, 'ccc'))).toBe('VERSION_NOT_FOUND');
  });

  it('says which versions exist when nothing matches', () => {
    expect(() => resolveVersion(versions, '9')).toThrowErrorMatchingInlineSnapshot(
      `[HarmoniaError: workflow 'ops.deploy' has no version or commit '9'; expected one of: 1 (aaaa111), 2 (aaab222), 3 (cccc333), 4]`,
    );
  });
});
