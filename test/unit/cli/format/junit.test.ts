import { describe, expect, it } from 'vitest';
import { formatJunit, xmlEscape } from '../../../../src/cli/format/junit.js';
import { makeDiagnostic } from '../fixtures.js';
import { childrenNamed, parseXml } from '../xml-parser.js';

const files = ['packs/ci/pack.yaml', 'packs/ci/workflows/promote.yaml'];

describe('formatJunit()', () => {
  it('produces a well-formed document rooted at testsuites', () => {
    const root = parseXml(formatJunit([makeDiagnostic()], { files }));
    expect(root.name).toBe('testsuites');
  });

  it('writes one testsuite per checked file, clean files included', () => {
    const root = parseXml(formatJunit([makeDiagnostic()], { files }));
    expect(childrenNamed(root, 'testsuite').map((s) => s.attributes.name)).toEqual(files);
  });

  it('gives a clean file one passing testcase', () => {
    const root = parseXml(formatJunit([], { files: ['packs/ci/pack.yaml'] }));
    const suite = childrenNamed(root, 'testsuite')[0];
    const cases = suite ? childrenNamed(suite, 'testcase') : [];
    expect(cases).toHaveLength(1);
    expect(cases[0]?.children).toEqual([]);
    expect(suite?.attributes.failures).toBe('0');
  });

  it('writes a failing testcase with a failure element for every error', () => {
    const diagnostics = [makeDiagnostic(), makeDiagnostic({ line: 4, code: 'EXPR_REFERENCE', message: 'unknown task' })];
    const root = parseXml(formatJunit(diagnostics, { files }));
    const suite = childrenNamed(root, 'testsuite').find((s) => s.attributes.name === files[1]);
    const failures = (suite ? childrenNamed(suite, 'testcase') : []).flatMap((c) => childrenNamed(c, 'failure'));
    expect(failures.map((f) => [f.attributes.type, f.attributes.message])).toEqual([
      ['DAG_CYCLE', "cycle 'a' → 'b' → 'a'"],
      ['EXPR_REFERENCE', 'unknown task'],
    ]);
    expect(suite?.attributes).toMatchObject({ tests: '2', failures: '2' });
    expect(root.attributes).toMatchObject({ tests: '3', failures: '2', errors: '0' });
  });

  it('puts the location, hint and code in the failure body', () => {
    const root = parseXml(formatJunit([makeDiagnostic({ hint: 'drop one edge' })]));
    const failure = root.children[0]?.children[0]?.children[0];
    expect(failure?.text).toBe(
      "packs/ci/workflows/promote.yaml:3:21  error  DAG_CYCLE  cycle 'a' → 'b' → 'a'\nhint: drop one edge",
    );
  });

  it('reports warnings in system-out without failing the file', () => {
    const root = parseXml(formatJunit([makeDiagnostic({ severity: 'warning', message: 'unused input' })]));
    const suite = root.children[0];
    expect(suite?.attributes.failures).toBe('0');
    expect(childrenNamed(suite ?? root, 'system-out')[0]?.text).toContain('unused input');
  });

  it('escapes markup and quotes in messages and file names', () => {
    const nasty = 'a <b> & "c" \'d\' \u0007';
    const out = formatJunit([makeDiagnostic({ message: nasty, file: 'x&y.yaml' })]);
    const root = parseXml(out);
    const failure = root.children[0]?.children[0]?.children[0];
    expect(failure?.attributes.message).toBe('a <b> & "c" \'d\' ');
    expect(root.children[0]?.attributes.name).toBe('x&y.yaml');
  });
});

describe('xmlEscape()', () => {
  it('escapes the five special characters and drops control characters', () => {
    expect(xmlEscape(`<&>"'\u0001\t`)).toBe('&lt;&amp;&gt;&quot;&apos;\t');
  });
});

describe('parseXml() (test helper)', () => {
  it('rejects mismatched tags', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/closes/);
  });

  it('rejects a raw ampersand', () => {
    expect(() => parseXml('<a>x & y</a>')).toThrow(/entity/);
  });
});
