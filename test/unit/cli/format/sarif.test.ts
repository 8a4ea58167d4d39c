import { describe, expect, it } from 'vitest';
import { formatSarif } from '../../../../src/cli/format/sarif.js';
import { makeDiagnostic } from '../fixtures.js';

interface SarifLog {
  $schema: string;
  version: string;
  runs: {
    tool: { driver: { name: string; version?: string; rules: { id: string; shortDescription: { text: string } }[] } };
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId?: string };
          region?: Record<string, number>;
        };
      }[];
      relatedLocations?: unknown[];
    }[];
  }[];
}

const parse = (text: string) => JSON.parse(text) as SarifLog;

describe('formatSarif()', () => {
  it('declares version 2.1.0 and the schema', () => {
    const log = parse(formatSarif([]));
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
  });

  it('names the tool and lists one rule per distinct code, sorted', () => {
    const log = parse(
      formatSarif([makeDiagnostic({ code: 'EXPR_REFERENCE' }), makeDiagnostic(), makeDiagnostic()], {
        toolVersion: '0.1.0',
      }),
    );
    const driver = log.runs[0]?.tool.driver;
    expect(driver?.name).toBe('harmonia');
    expect(driver?.version).toBe('0.1.0');
    expect(driver?.rules.map((r) => r.id)).toEqual(['DAG_CYCLE', 'EXPR_REFERENCE']);
    expect(driver?.rules.every((r) => r.shortDescription.text.length > 0)).toBe(true);
  });

  it('writes each result with ruleId, ruleIndex, level, message and a region', () => {
    const log = parse(formatSarif([makeDiagnostic({ severity: 'warning' })]));
    expect(log.runs[0]?.results[0]).toMatchObject({
      ruleId: 'DAG_CYCLE',
      ruleIndex: 0,
      level: 'warning',
      message: { text: "cycle 'a' → 'b' → 'a'" },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'packs/ci/workflows/promote.yaml', uriBaseId: '%SRCROOT%' },
            region: { startLine: 3, startColumn: 21, endLine: 3, endColumn: 22 },
          },
        },
      ],
    });
  });

  it('maps info to the SARIF level note', () => {
    expect(parse(formatSarif([makeDiagnostic({ severity: 'info' })])).runs[0]?.results[0]?.level).toBe('note');
  });

  it('omits the region when the diagnostic has no line', () => {
    const log = parse(formatSarif([makeDiagnostic({ line: 0, column: 0, end_line: 0, end_column: 0 })]));
    expect(log.runs[0]?.results[0]?.locations[0]?.physicalLocation.region).toBeUndefined();
  });

  it('omits an end that does not come after the start', () => {
    const log = parse(formatSarif([makeDiagnostic({ end_line: 0, end_column: 0 })]));
    expect(log.runs[0]?.results[0]?.locations[0]?.physicalLocation.region).toEqual({ startLine: 3, startColumn: 21 });
  });

  it('makes absolute paths under cwd relative, with forward slashes', () => {
    const log = parse(formatSarif([makeDiagnostic({ file: '/repo/packs/ci/pack.yaml' })], { cwd: '/repo' }));
    expect(log.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('packs/ci/pack.yaml');
  });

  it('percent-encodes characters that are not allowed in a URI', () => {
    const log = parse(formatSarif([makeDiagnostic({ file: 'packs/my pack/pack.yaml' })]));
    expect(log.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe(
      'packs/my%20pack/pack.yaml',
    );
  });

  it('adds related locations when the diagnostic has them', () => {
    const related = [{ file: 'packs/ci/workflows/promote.yaml', line: 4, column: 19, message: 'closes the cycle' }];
    const log = parse(formatSarif([makeDiagnostic({ related })]));
    expect(log.runs[0]?.results[0]?.relatedLocations).toEqual([
      {
        id: 0,
        physicalLocation: {
          artifactLocation: { uri: 'packs/ci/workflows/promote.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 4, startColumn: 19 },
        },
        message: { text: 'closes the cycle' },
      },
    ]);
  });
});

describe('formatSarif() rule descriptions', () => {
  it('takes a known code description from the diagnostic catalogue', () => {
    const log = parse(formatSarif([makeDiagnostic()]));
    expect(log.runs[0]?.tool.driver.rules[0]?.shortDescription.text).toBe('depends_on forms a cycle');
  });

  it('derives a readable description for a code outside the catalogue', () => {
    const log = parse(formatSarif([makeDiagnostic({ code: 'SOME_NEW_CODE' })]));
    expect(log.runs[0]?.tool.driver.rules[0]?.shortDescription.text).toBe('Some new code');
  });
});
