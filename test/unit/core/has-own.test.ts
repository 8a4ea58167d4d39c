import { describe, expect, it } from 'vitest';
import { hasOwn } from '../../../src/core/has-own.js';

describe('hasOwn()', () => {
  it('answers as Object.hasOwn for own, inherited and missing keys', () => {
    const parent = { inherited: 1 };
    const child = Object.assign(Object.create(parent) as Record<string, unknown>, { own: 2 });
    for (const key of ['own', 'inherited', 'missing', 'toString']) expect(hasOwn(child, key)).toBe(Object.hasOwn(child, key));
  });

  it('reads objects without a prototype, an own __proto__ key and one named hasOwnProperty', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.__proto__ = 'a key like any other';
    const shadowing = { hasOwnProperty: () => false, x: 1 };
    expect(hasOwn(bare, '__proto__')).toBe(true);
    expect(hasOwn(bare, 'x')).toBe(false);
    expect(hasOwn(shadowing, 'x')).toBe(true);
  });

  it('skips keys a for-in loop inherits from a polluted prototype', () => {
    const proto = { polluted: true };
    const value = Object.assign(Object.create(proto) as Record<string, unknown>, { a: 1, b: 2 });
    const own: string[] = [];
    for (const key in value) if (hasOwn(value, key)) own.push(key);
    expect(own).toEqual(['a', 'b']);
  });
});
