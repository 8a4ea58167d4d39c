import { describe, expect, it } from 'vitest';
import type { ParameterSpec } from '../../../src/core/model.js';
import { createSecretInputs, MAX_REMEMBERED_EXECUTIONS } from '../../../src/engine/secret-inputs.js';

const spec = { token: { type: 'string', secret: true } } as unknown as Record<string, ParameterSpec>;
const masked = { token: '**REDACTED**' };

describe('createSecretInputs()', () => {
  it('gives back the real secret inputs of the newest executions and forgets the oldest eighth once full', () => {
    const book = createSecretInputs();
    for (let i = 0; i <= MAX_REMEMBERED_EXECUTIONS; i++) book.remember(`e${i}`, spec, { token: `secret-${i}` });
    const eighth = MAX_REMEMBERED_EXECUTIONS / 8;
    expect(book.restore('e0', masked)).toEqual(masked);
    expect(book.restore(`e${eighth - 1}`, masked)).toEqual(masked);
    expect(book.restore(`e${eighth}`, masked)).toEqual({ token: `secret-${eighth}` });
    expect(book.restore(`e${MAX_REMEMBERED_EXECUTIONS}`, masked)).toEqual({ token: `secret-${MAX_REMEMBERED_EXECUTIONS}` });
  });

  it('keeps nothing for an execution without secret inputs', () => {
    const book = createSecretInputs();
    book.remember('e', { n: { type: 'number' } } as unknown as Record<string, ParameterSpec>, { n: 1 });
    expect(book.restore('e', { n: 1 })).toEqual({ n: 1 });
  });
});
