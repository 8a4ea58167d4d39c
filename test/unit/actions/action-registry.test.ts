import { describe, expect, it } from 'vitest';
import { createActionRegistry } from '../../../src/actions/action-registry.js';
import type { ActionDef } from '../../../src/core/model.js';
import { HarmoniaError } from '../../../src/core/errors.js';
import { makeContext } from './make-context.js';

const build: ActionDef = { runner: 'shell', entry_point: 'build.sh', parameters: {} };
const registry = createActionRegistry({
  packs: (ref) => (ref === 'ci' ? { dir: '/nonexistent/ci', actions: new Map([['ci.build', build]]) } : null),
});

function thrown(fn: () => unknown): HarmoniaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof HarmoniaError) return error;
  }
  throw new Error('expected a HarmoniaError');
}

describe('createActionRegistry().resolve()', () => {
  it('resolves built-in actions', async () => {
    const result = await registry.resolve({ action: 'core.echo' }).run({ a: 1 }, makeContext());
    expect(result).toEqual({ status: 'success', data: { a: 1 } });
  });

  it('suggests the closest built-in for a misspelt core action', () => {
    const error = thrown(() => registry.resolve({ action: 'core.ecko' }));
    expect(error.code).toBe('ACTION_NOT_FOUND');
    expect(error.message).toBe("unknown action 'core.ecko'; did you mean 'core.echo'?");
  });

  it('names the pack when it is not loaded', () => {
    const error = thrown(() => registry.resolve({ action: 'nope.build' }));
    expect(error.message).toBe("unknown action 'nope.build'; pack 'nope' is not loaded");
  });

  it('suggests a close action of the same pack', () => {
    expect(thrown(() => registry.resolve({ action: 'ci.biuld' })).message).toBe(
      "unknown action 'ci.biuld'; did you mean 'ci.build'?",
    );
  });

  it('leaves core.workflow to the engine', () => {
    expect(thrown(() => registry.resolve({ action: 'core.workflow' })).code).toBe('ACTION_NOT_FOUND');
  });

  it('refuses component tasks when no component registry is configured', () => {
    expect(thrown(() => registry.resolve({ action: 'rollout', component: 'deployer' })).code).toBe('COMPONENT_NOT_FOUND');
  });

  it('resolves pack actions by full ref', () => {
    expect(registry.resolve({ action: 'ci.build' })).toBeDefined();
  });
});
