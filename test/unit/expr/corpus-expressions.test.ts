import { describe, it, expect } from 'vitest';
import { evaluateTemplate, renderValue } from '../../../src/expr/evaluate.js';
import type { Scope } from '../../../src/expr/evaluate.js';
import { parseTemplate } from '../../../src/expr/parse-template.js';

// Every expression string of the corpus workflow valid_all_namespaces (canary.yaml).
const TEMPLATES: Record<string, unknown> = {
  url: '${context.base_url}/${lower(input.service)}',
  attempts: '${length(input.regions) * 2}',
  score_condition: "${tasks.probe.status == 'completed' && !input.verbose || input.threshold >= 0.5}",
  message: "${upper(input.service)} in ${join(input.regions, ',')}: ${tasks.probe.output.passed} of ${length(tasks.probe.output.checks)} checks",
  record_condition: '${tasks.probe.output.latency_ms.p99 <= input.limits.p99_ms}',
  verdict: "${tasks.probe.output.ok ? 'healthy' : 'degraded'}",
  build: '${env.BUILD_NUMBER}',
  previous: "${default(state.last_verdict, 'none')}",
  owner: "${context.owners['primary']}",
  first_region: '${input.regions[0]}',
  first_check: '${tasks.probe.output.checks[0].name}',
  ratio: '${(tasks.probe.output.passed * 100) / (length(tasks.probe.output.checks) + 9) % 101 - 1}',
  score_status: "${tasks.score.status != 'skipped'}",
  probe_error: '${tasks.probe.error}',
  eu: "${contains(input.regions, 'eu-west-1') && startsWith(input.service, 'api')}",
  stamp: "${formatDate(now(), 'yyyy-MM-dd')}",
  owners: '${keys(context.owners)}',
};

const scope: Scope = {
  input: { service: 'API-Gateway', regions: ['eu-west-1', 'us-east-1'], threshold: 0.95, verbose: false, limits: { p99_ms: 250 } },
  context: { base_url: 'https://status.example.test', owners: { primary: 'sre', backup: 'platform' } },
  tasks: {
    probe: {
      status: 'completed',
      output: { passed: 1, ok: true, latency_ms: { p99: 120 }, checks: [{ name: 'http' }] },
    },
    score: { status: 'completed' },
  },
  env: { BUILD_NUMBER: '42' },
  state: {},
};

describe('corpus workflow valid_all_namespaces', () => {
  it('parses every expression', () => {
    for (const text of Object.values(TEMPLATES)) expect(() => parseTemplate(String(text))).not.toThrow();
  });

  it('evaluates every expression to the expected value', () => {
    const now = (): Date => new Date('2026-11-22T03:00:00Z');
    expect(renderValue(TEMPLATES, scope, { now })).toEqual({
      url: 'https://status.example.test/api-gateway',
      attempts: 4,
      score_condition: true,
      message: 'API-GATEWAY in eu-west-1,us-east-1: 1 of 1 checks',
      record_condition: true,
      verdict: 'healthy',
      build: '42',
      previous: 'none',
      owner: 'sre',
      first_region: 'eu-west-1',
      first_check: 'http',
      ratio: 9,
      score_status: true,
      eu: false,
      stamp: '2026-11-22',
      owners: ['primary', 'backup'],
    });
  });

  it('evaluates a missing task error to nothing', () => {
    expect(evaluateTemplate(parseTemplate(String(TEMPLATES.probe_error)), scope)).toBeUndefined();
  });
});
