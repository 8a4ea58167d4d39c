import { describe, expect, it } from 'vitest';
import { createRouteTable } from '../../../src/server/route-table.js';

const table = createRouteTable([
  { method: 'POST', path: '/api/packs/sync', value: 'sync' },
  { method: 'GET', path: '/api/packs/:ref', value: 'pack' },
  { method: 'POST', path: '/api/packs/:ref', value: 'not-this' },
  { method: 'GET', path: '/api/executions/:id', value: 'execution' },
  { method: 'GET', path: '/api/executions/:id/events', value: 'events' },
  { method: 'POST', path: '/api/packs/:ref', value: 'post-pack' },
  { method: 'GET', path: '/hooks/:pack/:workflow/:trigger', value: 'hook' },
  { method: 'GET', path: '/health', value: 'health' },
]);

describe('createRouteTable()', () => {
  it('matches a path with its parameters decoded', () => {
    expect(table.match('GET', '/api/executions/a%20b')).toEqual({ value: 'execution', params: { id: 'a b' } });
    expect(table.match('GET', '/hooks/p/w/t')).toEqual({ value: 'hook', params: { pack: 'p', workflow: 'w', trigger: 't' } });
  });

  it('reports a malformed escape for the caller to refuse, keeping it as sent', () => {
    const found = table.match('GET', '/api/executions/%E0%A4%A');
    expect(found?.params).toEqual({ id: '%E0%A4%A' });
    expect(found?.malformed).toBe('%E0%A4%A');
    expect(table.match('GET', '/api/executions/%C3%A9')?.malformed).toBeUndefined();
  });

  it('gives precedence to the route listed first', () => {
    expect(table.match('POST', '/api/packs/sync')?.value).toBe('sync');
    expect(table.match('POST', '/api/packs/other')?.value).toBe('not-this');
  });

  it('ignores the case of static segments and one trailing slash', () => {
    expect(table.match('GET', '/API/Executions/X1/')).toEqual({ value: 'execution', params: { id: 'X1' } });
    expect(table.match('GET', '/health/')?.value).toBe('health');
    expect(table.match('GET', '/health//')).toBeNull();
  });

  it('answers HEAD with the GET route', () => {
    expect(table.match('HEAD', '/api/executions/x')?.value).toBe('execution');
    expect(table.match('HEAD', '/api/packs/sync')?.value).toBe('pack');
    expect(table.match('HEAD', '/health')?.value).toBe('health');
  });

  it('matches no empty parameter, other method or other depth', () => {
    expect(table.match('GET', '/api/executions/')).toBeNull();
    expect(table.match('GET', '/api/executions//events')).toBeNull();
    expect(table.match('DELETE', '/api/executions/x')).toBeNull();
    expect(table.match('GET', '/api/executions/x/events/more')).toBeNull();
    expect(table.match('GET', 'api/executions/x')).toBeNull();
  });
});
