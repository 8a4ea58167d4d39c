/**
 * The ComponentRepo contract, written against the Store interface only, so every
 * backend runs the same suite: `describeComponentConformance('sqlite', makeStore)`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ComponentRecord } from '../../../src/core/model.js';
import type { Store } from '../../../src/store/store.js';

function component(id: string, name: string, extra: Partial<ComponentRecord> = {}): ComponentRecord {
  return {
    id,
    name,
    base_url: `http://127.0.0.1:9000/${name}`,
    capabilities: ['acme.build', 'acme.test'],
    metadata: { team: 'platform', weight: 2, tags: ['a', 'b'] },
    registered_at: '2026-01-01T00:00:00.000Z',
    last_heartbeat_at: null,
    ...extra,
  };
}

/** Registers the component contract tests for one backend. */
export function describeComponentConformance(name: string, makeStore: () => Promise<Store>): void {
  describe(`ComponentRepo conformance (${name})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it('registers a component and finds it by id and by name', async () => {
      const record = component('c1', 'builder');
      await store.components.upsertComponent(record);
      expect(await store.components.getComponent('c1')).toEqual(record);
      expect(await store.components.getComponent('builder')).toEqual(record);
    });

    it('returns null for an unknown component', async () => {
      expect(await store.components.getComponent('nope')).toBeNull();
    });

    it('replaces every field when the same id registers again', async () => {
      await store.components.upsertComponent(component('c1', 'builder'));
      const again = component('c1', 'builder-2', { base_url: 'http://127.0.0.1:9001', capabilities: ['acme.deploy'], metadata: {} });
      await store.components.upsertComponent(again);
      expect(await store.components.getComponent('c1')).toEqual(again);
      expect(await store.components.getComponent('builder')).toBeNull();
    });

    it('refuses a name another component already has', async () => {
      await store.components.upsertComponent(component('c1', 'builder'));
      await expect(store.components.upsertComponent(component('c2', 'builder'))).rejects.toMatchObject({
        code: 'STORE_CONFLICT',
      });
      expect(await store.components.getComponent('c2')).toBeNull();
    });

    it('prefers an id match over a name match', async () => {
      await store.components.upsertComponent(component('c1', 'builder'));
      await store.components.upsertComponent(component('builder', 'other'));
      expect((await store.components.getComponent('builder'))?.id).toBe('builder');
    });

    it('lists components ordered by name', async () => {
      await store.components.upsertComponent(component('c1', 'tester'));
      await store.components.upsertComponent(component('c2', 'Builder'));
      await store.components.upsertComponent(component('c3', 'builder'));
      expect((await store.components.listComponents()).map((c) => c.name)).toEqual(['Builder', 'builder', 'tester']);
    });

    it('records a heartbeat of a known component', async () => {
      await store.components.upsertComponent(component('c1', 'builder'));
      expect(await store.components.heartbeat('c1', '2026-01-01T00:05:00.000Z')).toBe(true);
      expect((await store.components.getComponent('c1'))?.last_heartbeat_at).toBe('2026-01-01T00:05:00.000Z');
    });

    it('reports false for a heartbeat of an unknown component', async () => {
      expect(await store.components.heartbeat('nope', '2026-01-01T00:05:00.000Z')).toBe(false);
    });

    it('deletes a component and reports whether one was there', async () => {
      await store.components.upsertComponent(component('c1', 'builder'));
      expect(await store.components.deleteComponent('c1')).toBe(true);
      expect(await store.components.deleteComponent('c1')).toBe(false);
      expect(await store.components.listComponents()).toEqual([]);
    });

    it('keeps a refused registration from spoiling the transaction it ran in', async () => {
      await store.components.upsertComponent(component('c1', 'builder'));
      await store.transaction(async (tx) => {
        await expect(tx.components.upsertComponent(component('c2', 'builder'))).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
        await tx.components.upsertComponent(component('c3', 'tester'));
      });
      expect((await store.components.listComponents()).map((c) => c.id)).toEqual(['c1', 'c3']);
    });
  });
}
