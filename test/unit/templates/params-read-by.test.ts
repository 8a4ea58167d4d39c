import { describe, expect, it } from 'vitest';
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
});
