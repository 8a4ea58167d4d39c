import { describe, expect, it } from 'vitest';
import { outputShapeProblem } from '../../../src/engine/output-shape.js';

describe('outputShapeProblem()', () => {
  it('accepts ordinary nested data', () => {
    expect(outputShapeProblem({ a: [1, { b: 'c' }], d: null })).toBeNull();
  });

  it('accepts the same object reached twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(outputShapeProblem({ a: shared, b: [shared, shared] })).toBeNull();
  });

  it('refuses data nested deeper than the limit without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(outputShapeProblem(deep)).toBe('nests deeper than 200 levels');
  });

  it('accepts data exactly as deep as the limit', () => {
    expect(outputShapeProblem(JSON.parse(`${'['.repeat(3)}${']'.repeat(3)}`) as unknown, 3)).toBeNull();
    expect(outputShapeProblem(JSON.parse(`${'['.repeat(4)}${']'.repeat(4)}`) as unknown, 3)).toBe('nests deeper than 3 levels');
  });

  it('accepts a flat object at a limit of one level and refuses one nested inside it', () => {
    expect(outputShapeProblem({ a: 1, b: 'x', c: null }, 1)).toBeNull();
    expect(outputShapeProblem({ a: {} }, 1)).toBe('nests deeper than 1 levels');
    expect(outputShapeProblem([], 0)).toBe('nests deeper than 0 levels');
  });

  it('refuses a cycle', () => {
    const looped: Record<string, unknown> = { a: 1 };
    looped.self = { back: looped };
    expect(outputShapeProblem(looped)).toBe('holds a reference to itself (a cycle)');
  });
});
