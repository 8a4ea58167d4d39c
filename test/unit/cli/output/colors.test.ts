import { describe, expect, it } from 'vitest';
import { createColors, shouldUseColor, stripAnsi } from '../../../../src/cli/output/colors.js';

describe('shouldUseColor()', () => {
  it('colours a terminal by default', () => {
    expect(shouldUseColor(true, {})).toBe(true);
  });

  it('never colours a pipe or file', () => {
    expect(shouldUseColor(false, {})).toBe(false);
  });

  it('honours NO_COLOR on a terminal', () => {
    expect(shouldUseColor(true, { NO_COLOR: '1' })).toBe(false);
  });

  it('ignores an empty NO_COLOR, as no-color.org asks', () => {
    expect(shouldUseColor(true, { NO_COLOR: '' })).toBe(true);
  });

  it('lets FORCE_COLOR=0 turn colour off on a terminal', () => {
    expect(shouldUseColor(true, { FORCE_COLOR: '0' })).toBe(false);
  });

  it('lets FORCE_COLOR=1 turn colour on for a pipe', () => {
    expect(shouldUseColor(false, { FORCE_COLOR: '1' })).toBe(true);
  });

  it('asks whether the stream is a terminal only when the environment leaves it open', () => {
    const asked: boolean[] = [];
    const isTTY = () => (asked.push(true), true);
    expect(shouldUseColor(isTTY, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor(isTTY, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor(isTTY, { TERM: 'dumb' })).toBe(false);
    expect(asked).toEqual([]);
    expect(shouldUseColor(isTTY, {})).toBe(true);
    expect(shouldUseColor(() => false, {})).toBe(false);
    expect(asked).toEqual([true]);
  });
});

describe('createColors()', () => {
  it('returns text unchanged when disabled', () => {
    expect(createColors(false).red('x')).toBe('x');
  });

  it('wraps text in SGR codes that stripAnsi removes', () => {
    const red = createColors(true).red('x');
    expect(red).not.toBe('x');
    expect(stripAnsi(red)).toBe('x');
  });
});
