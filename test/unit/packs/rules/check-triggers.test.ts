import { describe, it, expect } from 'vitest';
import { validateTree, validateWorkflow } from '../pack-tree.js';

const withSchedule = (...lines: string[]) =>
  ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  nightly:', '    schedule:', ...lines.map((l) => `      ${l}`), ''].join('\n');

describe('checkTriggers()', () => {
  it('accepts five- and six-field cron, every, a zone and every option', async () => {
    expect(await validateWorkflow(withSchedule("cron: '0 2 * * *'", 'timezone: Europe/Paris', 'overlap: buffer_one', 'catchup_window: 1h', 'jitter: 30s'))).toEqual([]);
    expect(await validateWorkflow(withSchedule("cron: '*/10 * * * * *'", "start_at: '2027-01-01T00:00:00Z'", "end_at: '2028-01-01T00:00:00Z'", 'enabled: false'))).toEqual([]);
    expect(await validateWorkflow(withSchedule('every: 90', 'input: { day: monday }'))).toEqual([]);
  });

  it('reports a bad cron expression at its line and column with the reason', async () => {
    const diags = await validateWorkflow(withSchedule("cron: '61 * * * *'"));
    expect(diags).toMatchObject([
      { code: 'TRIGGER_CRON_INVALID', line: 7, column: 13, pointer: '/triggers/nightly/schedule/cron', message: "cron '61 * * * *' of trigger 'nightly' is not valid: minute 61 is out of range (0-59)" },
    ]);
  });

  it('quotes an out-of-range field value as written, with the range it must be in', async () => {
    const cases: Array<[string, string]> = [
      ['0 0 32 * *', 'day-of-month 32 is out of range (1-31)'],
      ['0 0 0 * *', 'day-of-month 0 is out of range (1-31)'],
      ['0 0 1,32 * *', 'day-of-month 32 is out of range (1-31)'],
      ['0 0 * 13 *', 'month 13 is out of range (1-12)'],
      ['0 0 * 0 *', 'month 0 is out of range (1-12)'],
      ['0 24 * * *', 'hour 24 is out of range (0-23)'],
      ['61 * * * *', 'minute 61 is out of range (0-59)'],
      ['0 0 * * 8', 'day-of-week 8 is out of range (0-7, 0 and 7 are Sunday)'],
      ['61 * * * * *', 'second 61 is out of range (0-59)'],
    ];
    for (const [cron, reason] of cases) {
      const [diag] = await validateWorkflow(withSchedule(`cron: '${cron}'`));
      expect(diag?.message, cron).toBe(`cron '${cron}' of trigger 'nightly' is not valid: ${reason}`);
    }
  });

  it('reports a cron expression with the wrong number of fields', async () => {
    const diags = await validateWorkflow(withSchedule("cron: '* * *'"));
    expect(diags).toMatchObject([{ code: 'TRIGGER_CRON_INVALID', line: 7, hint: expect.stringContaining('five fields') }]);
  });

  it('reports an unknown time zone with the nearest IANA name', async () => {
    const diags = await validateWorkflow(withSchedule('every: 5m', 'timezone: Europe/Pariss'));
    expect(diags).toMatchObject([{ code: 'TRIGGER_TIMEZONE_UNKNOWN', line: 8, column: 17, message: "unknown time zone 'Europe/Pariss' in trigger 'nightly'", hint: "did you mean 'Europe/Paris'?" }]);
  });

  it('reports both or neither of cron and every', async () => {
    expect(await validateWorkflow(withSchedule("cron: '* * * * *'", 'every: 5m'))).toMatchObject([{ code: 'TRIGGER_SCHEDULE_INVALID', pointer: '/triggers/nightly/schedule' }]);
    expect(await validateWorkflow(withSchedule('timezone: UTC'))).toMatchObject([{ code: 'TRIGGER_SCHEDULE_INVALID', message: "schedule of trigger 'nightly' must have exactly one of 'cron' and 'every'" }]);
  });

  it('reports durations that do not parse, and a zero interval', async () => {
    const diags = await validateWorkflow(withSchedule('every: 0s', 'jitter: soon', 'catchup_window: 5 minutes'));
    expect(diags.map((d) => `${d.code} ${d.pointer}`)).toEqual([
      'TRIGGER_DURATION_INVALID /triggers/nightly/schedule/every',
      'TRIGGER_DURATION_INVALID /triggers/nightly/schedule/jitter',
      'TRIGGER_DURATION_INVALID /triggers/nightly/schedule/catchup_window',
    ]);
  });

  it('refuses an interval shorter than a second at its line and column (a schedule that fires more often falls behind for good)', async () => {
    for (const every of ['1ms', '999ms', "'500ms'"]) {
      const diags = await validateWorkflow(withSchedule(`every: ${every}`));
      expect(diags).toMatchObject([{ code: 'TRIGGER_INTERVAL_TOO_SHORT', line: 7, column: 14, pointer: '/triggers/nightly/schedule/every' }]);
    }
    const [diag] = await validateWorkflow(withSchedule('every: 1ms'));
    expect(diag?.message).toBe("every '1ms' of trigger 'nightly' is shorter than the shortest interval, 1s");
    expect(await validateWorkflow(withSchedule('every: 1s'))).toEqual([]);
    expect(await validateWorkflow(withSchedule('every: 1500ms'))).toEqual([]);
    expect(await validateWorkflow(withSchedule('every: 1'))).toEqual([]);
  });

  it('reports start_at that is not a time and end_at before start_at', async () => {
    expect(await validateWorkflow(withSchedule('every: 1m', 'start_at: tomorrow'))).toMatchObject([{ code: 'TRIGGER_SCHEDULE_INVALID', pointer: '/triggers/nightly/schedule/start_at' }]);
    const reversed = await validateWorkflow(withSchedule('every: 1m', "start_at: '2027-01-02T00:00:00Z'", "end_at: '2027-01-01T00:00:00Z'"));
    expect(reversed).toMatchObject([{ code: 'TRIGGER_SCHEDULE_INVALID', pointer: '/triggers/nightly/schedule/end_at' }]);
  });

  it('reports start_at/end_at without an offset (every node would read them in its own zone), in a form other than ISO 8601, or on a day the month lacks', async () => {
    for (const value of ['2027-01-01T00:00:00', 'March 7, 2027', '2027-02-30T00:00:00Z', '2027']) {
      expect(await validateWorkflow(withSchedule('every: 1m', `start_at: '${value}'`))).toMatchObject([
        { code: 'TRIGGER_SCHEDULE_INVALID', pointer: '/triggers/nightly/schedule/start_at', hint: expect.stringContaining('offset') },
      ]);
    }
    expect(await validateWorkflow(withSchedule('every: 1m', "start_at: '2027-01-01'", "end_at: '2027-06-01T12:00:00.5+02:00'"))).toEqual([]);
  });

  it('says a start_at on 29 February of a year that has none names a day the month lacks, not that it lacks an offset', async () => {
    const [diag] = await validateWorkflow(withSchedule('every: 1m', "start_at: '2027-02-29T00:00:00Z'"));
    expect(diag?.message).toBe("start_at '2027-02-29T00:00:00Z' of trigger 'nightly' names a day its month does not have (February 2027 has 28 days)");
    expect(await validateWorkflow(withSchedule('every: 1m', "start_at: '2028-02-29T00:00:00Z'"))).toEqual([]);
  });

  it('reports a cron expression that never comes due, and an interval too long to count in milliseconds', async () => {
    for (const cron of ['0 0 30 2 *', '0 0 31 4,6,9,11 *']) {
      expect(await validateWorkflow(withSchedule(`cron: '${cron}'`))).toMatchObject([
        { code: 'TRIGGER_CRON_INVALID', pointer: '/triggers/nightly/schedule/cron', message: expect.stringContaining('never') },
      ]);
    }
    expect(await validateWorkflow(withSchedule("cron: '0 0 29 2 *'"))).toEqual([]);
    expect(await validateWorkflow(withSchedule('every: 1e300'))).toMatchObject([{ code: 'TRIGGER_DURATION_INVALID', pointer: '/triggers/nightly/schedule/every' }]);
    expect((await validateWorkflow(withSchedule('every: 0.5'))).map((d) => d.code)).toEqual(['SCHEMA_TYPE']);
  });

  it('reports a duration written as digits that does not fit in milliseconds, as it does one written with units', async () => {
    const diags = await validateWorkflow(withSchedule("every: '99999999999999999999'", "jitter: '9007199254740992'", "catchup_window: '99999999999999999999s'"));
    expect(diags.map((d) => `${d.code} ${d.pointer}`)).toEqual([
      'TRIGGER_DURATION_INVALID /triggers/nightly/schedule/every',
      'TRIGGER_DURATION_INVALID /triggers/nightly/schedule/jitter',
      'TRIGGER_DURATION_INVALID /triggers/nightly/schedule/catchup_window',
    ]);
  });

  it('quotes at most 200 characters of a long cron expression', async () => {
    const [diag] = await validateWorkflow(withSchedule(`cron: '${'1,'.repeat(50_000)}61 * * * *'`));
    expect(diag?.code).toBe('TRIGGER_CRON_INVALID');
    expect(diag?.message.length).toBeLessThan(700);
  });

  it('reports after-triggers that start each other in a ring (each end would start the next, forever), at the trigger, naming the ring', async () => {
    const after = (target: string, status = 'completed') => ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  again:', `    after: { workflow: ${target}, status: ${status} }`, ''].join('\n');
    expect(await validateWorkflow(after('demo.flow'))).toMatchObject([
      { code: 'TRIGGER_AFTER_CYCLE', severity: 'error', line: 6, pointer: '/triggers/again/after/workflow', message: expect.stringContaining('demo.flow → demo.flow') },
    ]);
    const ring = await validateWorkflow(after('demo.second', '[failed]'), { 'demo/workflows/second.yaml': after('demo.third'), 'demo/workflows/third.yaml': after('demo.flow', '[completed, canceled]') });
    expect(ring.map((d) => `${d.code} ${d.file}`).sort()).toEqual([
      'TRIGGER_AFTER_CYCLE demo/workflows/flow.yaml',
      'TRIGGER_AFTER_CYCLE demo/workflows/second.yaml',
      'TRIGGER_AFTER_CYCLE demo/workflows/third.yaml',
    ]);
    expect(ring.find((d) => d.file.endsWith('flow.yaml'))?.message).toContain('demo.flow → demo.third → demo.second → demo.flow');
    // A chain that ends is fine.
    expect(await validateWorkflow(after('demo.second'), { 'demo/workflows/second.yaml': after('demo.third'), 'demo/workflows/third.yaml': ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', ''].join('\n') })).toEqual([]);
  });

  it('reports an after-trigger on a workflow its own pack or a dependency lacks (it would never fire), with the near name', async () => {
    const after = (target: string) => ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  on_end:', `    after: { workflow: ${target} }`, ''].join('\n');
    const second = ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', ''].join('\n');
    expect(await validateWorkflow(after('demo.secnod'), { 'demo/workflows/second.yaml': second })).toMatchObject([
      { code: 'TRIGGER_UNKNOWN_WORKFLOW', severity: 'error', line: 6, column: 24, pointer: '/triggers/on_end/after/workflow', hint: "did you mean 'demo.second'?" },
    ]);
    const tree = {
      'demo/pack.yaml': 'ref: demo\nversion: 1.0.0\ndependencies: [lib]\n',
      'demo/workflows/flow.yaml': after('lib.buidl'),
      'demo/workflows/other.yaml': after('elsewhere.build'),
      'lib/pack.yaml': 'ref: lib\nversion: 1.0.0\n',
      'lib/workflows/build.yaml': second,
    };
    // A pack the run does not hold may be synced apart: its workflows cannot be told missing.
    expect((await validateTree(tree)).map((d) => `${d.code} ${d.file}:${d.line}`)).toEqual(['TRIGGER_UNKNOWN_WORKFLOW demo/workflows/flow.yaml:6']);
  });

  it('reports an unknown overlap policy and an unknown key through the schema', async () => {
    const diags = await validateWorkflow(withSchedule('every: 1m', 'overlap: queue', 'timzone: UTC'));
    expect(diags.map((d) => d.code).sort()).toEqual(['SCHEMA_ENUM', 'SCHEMA_UNKNOWN_KEY']);
  });

  it('accepts trigger.* expressions in a schedule input and reports other names at their column', async () => {
    expect(await validateWorkflow(withSchedule('every: 1m', 'input: { day: "${trigger.scheduled_time}", who: "${upper(trigger.name)}" }'))).toEqual([]);
    const diags = await validateWorkflow(withSchedule('every: 1m', 'input: { day: "${input.day}", at: "${trigger.scheduled_at}" }'));
    expect(diags).toMatchObject([
      { code: 'EXPR_UNKNOWN_NAMESPACE', line: 8, column: 24, pointer: '/triggers/nightly/schedule/input/day', message: "a trigger's input can read only trigger.*, not 'input'" },
      { code: 'EXPR_UNKNOWN_NAMESPACE', pointer: '/triggers/nightly/schedule/input/at', message: "'trigger.scheduled_at' is not a field of the fire", hint: "did you mean 'trigger.scheduled_time'?" },
    ]);
  });

  it('reports a syntax error in a schedule input', async () => {
    expect(await validateWorkflow(withSchedule('every: 1m', 'input: { day: "${trigger.}" }'))).toMatchObject([{ code: 'EXPR_SYNTAX', pointer: '/triggers/nightly/schedule/input/day' }]);
  });

  it('reports trigger.* read by a task: it exists only in a schedule input', async () => {
    const diags = await validateWorkflow(['version: 1.0.0', 'tasks:', '  a: { action: core.echo, input: { message: "${trigger.name}" } }', ''].join('\n'));
    expect(diags).toMatchObject([{ code: 'EXPR_UNKNOWN_NAMESPACE', message: expect.stringContaining('only defined in the input of a schedule') }]);
  });

  it('accepts a webhook with trigger.body in its input and reports a trigger with both or neither kind', async () => {
    const hook = ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  push:', '    webhook: { secret_env: HOOK_SECRET, input: { ref: "${trigger.body.ref}" } }', ''].join('\n');
    expect(await validateWorkflow(hook)).toEqual([]);
    const wrong = hook.replace('trigger.body.ref', 'trigger.scheduled_time');
    expect(await validateWorkflow(wrong)).toMatchObject([{ code: 'EXPR_UNKNOWN_NAMESPACE', pointer: '/triggers/push/webhook/input/ref' }]);
    const both = ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  push:', '    webhook: { secret_env: HOOK_SECRET }', '    schedule: { every: 1m }', ''].join('\n');
    expect(await validateWorkflow(both)).toMatchObject([{ code: 'TRIGGER_INVALID', line: 5, message: "trigger 'push' must have exactly one of 'schedule', 'webhook' and 'after'" }]);
    const lower = hook.replace('HOOK_SECRET', 'hook-secret');
    expect((await validateWorkflow(lower)).map((d) => d.code)).toEqual(['SCHEMA_PATTERN']);
  });

  it('needs secret_env on a webhook unless it takes API tokens only (auth: token), and knows the auth kinds', async () => {
    const hook = (fields: string) => ['version: 1.0.0', 'tasks:', '  a: { action: core.noop }', 'triggers:', '  push:', `    webhook: { ${fields} }`, ''].join('\n');
    expect(await validateWorkflow(hook('auth: token'))).toEqual([]);
    expect(await validateWorkflow(hook('auth: any, secret_env: HOOK_SECRET'))).toEqual([]);
    expect((await validateWorkflow(hook('auth: any'))).map((d) => d.code)).toEqual(['SCHEMA_REQUIRED']);
    expect((await validateWorkflow(hook('input: {}'))).map((d) => d.code)).toEqual(['SCHEMA_REQUIRED']);
    expect((await validateWorkflow(hook('auth: bearer'))).map((d) => d.code)).toContain('SCHEMA_ENUM');
  });
});
