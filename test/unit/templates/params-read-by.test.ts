import { describe, expect, it } from 'vitest';
import type { WorkflowDef } from '../../../src/core/model.js';
import { buildPlan } from '../../../src/engine/plan.js';
import { paramsReadBy } from '../../../src/templates/params-read-by.js';

describe('paramsReadBy()', () => {
  it('names every ${param.*} a workflow body reads, once each, sorted', () => {
    const body = {
      tasks: [
        { id: 'a', action: 'core.echo', input: { x: '${param.source}', y: 'at ${param.format} and ${param["source"]}' } },
        { id: 'b', action: 'core.echo', condition: '${param.enabled}', input: { z: ['${upper(param.format)}'] } },
      ],
      output: { o: '${tasks.a.output.x}' },
    };
    expect(paramsReadBy(body)).toEqual(['enabled', 'format', 'source']);
  });

  it('ignores what is not a reference: escaped ${, string literals, properties named param, other roots', () => {
    const body = { tasks: [{ id: 'a', action: 'core.echo', input: { a: '$${param.x}', b: "${'param.y'}", c: '${input.param}', d: '${tasks.t.output.param}' } }] };
    expect(paramsReadBy(body)).toEqual([]);
  });

  it('finds the same names when it skips depends_on lists that name task ids, and reads those that do not', () => {
    const named = {
      input: { p: '${param.top}' },
      tasks: [
        { id: '${param.id}', action: 'core.echo', depends_on: [] },
        { id: 'b', action: 'core.echo', depends_on: ['${param.id}'], input: { v: '${param.v}' } },
      ],
    };
    const known = buildPlan(named as unknown as WorkflowDef);
    expect(known.upstreams_known).toBe(true);
    expect(paramsReadBy(named, { upstreamsAreIds: known.upstreams_known })).toEqual(paramsReadBy(named));
    expect(paramsReadBy(named, { upstreamsAreIds: true })).toEqual(['id', 'top', 'v']);
    // an entry that names no task is read: the plan says not every upstream is an id
    const unknown = { tasks: [{ id: 'a', action: 'core.echo', depends_on: ['${param.up}'] }] };
    const plan = buildPlan(unknown as unknown as WorkflowDef);
    expect(plan.upstreams_known).toBe(false);
    expect(paramsReadBy(unknown, { upstreamsAreIds: plan.upstreams_known })).toEqual(['up']);
  });
});
