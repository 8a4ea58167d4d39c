import { describe, expect, it } from 'vitest';
import { escapeGithubData, escapeGithubProperty, formatGithub } from '../../../../src/cli/format/github.js';
import { makeDiagnostic } from '../fixtures.js';

describe('formatGithub()', () => {
  it('writes an ::error command with the position and the code as title', () => {
    expect(formatGithub([makeDiagnostic()])).toBe(
      "::error file=packs/ci/workflows/promote.yaml,line=3,col=21,endLine=3,endColumn=22,title=DAG_CYCLE::cycle 'a' → 'b' → 'a'\n",
    );
  });

  it('writes warnings as ::warning and infos as ::notice', () => {
    const out = formatGithub([makeDiagnostic({ severity: 'warning' }), makeDiagnostic({ severity: 'info' })]);
    expect(out.split('\n').map((l) => l.split(' ')[0])).toEqual(['::warning', '::notice', '']);
  });

  it('leaves out the position when the diagnostic has no line', () => {
    expect(formatGithub([makeDiagnostic({ line: 0, column: 0, end_line: 0, end_column: 0 })])).toMatch(
      /^::error file=packs\/ci\/workflows\/promote\.yaml,title=DAG_CYCLE::/,
    );
  });

  it('appends the hint to the message as an escaped second line', () => {
    expect(formatGithub([makeDiagnostic({ message: 'm', hint: 'h' })])).toMatch(/::m%0Ahint: h\n$/);
  });

  it('escapes colons and commas in property values', () => {
    const out = formatGithub([makeDiagnostic({ file: 'a,b:c.yaml', code: 'X' })]);
    expect(out).toContain('file=a%2Cb%3Ac.yaml,');
  });

  it('uses forward slashes in file paths', () => {
    expect(formatGithub([makeDiagnostic({ file: 'packs\\ci\\pack.yaml' })])).toContain('file=packs/ci/pack.yaml,');
  });
});

describe('escapeGithubData()', () => {
  it('escapes percent first so escapes are not double-encoded', () => {
    expect(escapeGithubData('100%\r\nnext')).toBe('100%25%0D%0Anext');
  });

  it('leaves colons and commas in messages alone', () => {
    expect(escapeGithubData('a: b, c')).toBe('a: b, c');
  });
});

describe('escapeGithubProperty()', () => {
  it('escapes percent, newlines, colons and commas', () => {
    expect(escapeGithubProperty('50%,x:y\n')).toBe('50%25%2Cx%3Ay%0A');
  });
});
