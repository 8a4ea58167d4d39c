import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { HostLookup, HttpPolicy } from '../actions/address-guard.js';
import { guardedFetch } from '../actions/guarded-fetch.js';
import { HarmoniaError } from '../core/errors.js';
import type { ComponentRecord } from '../core/model.js';
import type { ComponentRepo } from '../store/store.js';
import { readRegistration } from './read-registration.js';

import type { ComponentTestResult } from '../core/wire.js';

export type { ComponentTestResult };

export interface ComponentServiceOptions {
  repo: ComponentRepo;
  /** Wall clock for registration and heartbeat times. @default () => new Date() */
  now?: () => Date;
  /** Monotonic milliseconds for latency. @default performance.now */
  elapsed?: () => number;
  /** Which addresses `test()` may reach. @default { allow_private: true } */
  http?: HttpPolicy;
  lookup?: HostLookup;
  /** Deadline of one health probe. @default 5000 */
  test_timeout_ms?: number;
}

/** Registers, lists and probes remote components. */
export interface ComponentService {
  /** Registers a component, or updates the one with the same name (its id is kept). */
  register(body: unknown): Promise<ComponentRecord>;
  /** Records that a component is alive. Thrown when unknown: COMPONENT_NOT_FOUND. */
  heartbeat(idOrName: string): Promise<ComponentRecord>;
  list(): Promise<ComponentRecord[]>;
  /** Thrown when unknown: COMPONENT_NOT_FOUND. */
  get(idOrName: string): Promise<ComponentRecord>;
  /** Thrown when unknown: COMPONENT_NOT_FOUND. */
  delete(idOrName: string): Promise<void>;
  /** GETs `{base_url}/health` and reports reachability and latency. Thrown when unknown: COMPONENT_NOT_FOUND. */
  test(idOrName: string): Promise<ComponentTestResult>;
}

/**
 * Creates the component registry service over a ComponentRepo.
 * @example
 * const components = createComponentService({ repo: store.components });
 * await components.register({ name: 'deployer', base_url: 'http://127.0.0.1:9000', capabilities: ['rollout'] });
 */
export function createComponentService(options: ComponentServiceOptions): ComponentService {
  const { repo } = options;
  const now = options.now ?? (() => new Date());
  const elapsed = options.elapsed ?? (() => performance.now());

  const get = async (idOrName: string): Promise<ComponentRecord> => {
    const record = await repo.getComponent(idOrName);
    if (record === null) {
      throw new HarmoniaError('COMPONENT_NOT_FOUND', `component '${idOrName}' is not registered`, {
        details: { component: idOrName },
      });
    }
    return record;
  };

  return {
    async register(body) {
      const checked = readRegistration(body);
      const existing = await repo.getComponent(checked.name);
      const sameName = existing !== null && existing.name === checked.name ? existing : null;
      const at = now().toISOString();
      const metadata =
        checked.capability_details.length > 0
          ? { ...checked.metadata, capability_details: checked.capability_details }
          : checked.metadata;
      const record: ComponentRecord = {
        id: checked.id ?? sameName?.id ?? randomUUID(),
        name: checked.name,
        base_url: checked.base_url,
        capabilities: checked.capabilities,
        metadata,
        registered_at: sameName?.registered_at ?? at,
        last_heartbeat_at: at,
      };
      await repo.upsertComponent(record);
      return record;
    },

    async heartbeat(idOrName) {
      const record = await get(idOrName);
      const at = now().toISOString();
      await repo.heartbeat(record.id, at);
      return { ...record, last_heartbeat_at: at };
    },

    list: () => repo.listComponents(),

    get,

    async delete(idOrName) {
      const record = await get(idOrName);
      await repo.deleteComponent(record.id);
    },

    async test(idOrName) {
      const record = await get(idOrName);
      const url = `${record.base_url.replace(/\/+$/, '')}/health`;
      const started = elapsed();
      const response = await guardedFetch({
        method: 'GET',
        url,
        headers: { accept: 'application/json' },
        signal: new AbortController().signal,
        timeout_ms: options.test_timeout_ms ?? 5000,
        max_bytes: 64 * 1024,
        policy: options.http ?? {},
        ...(options.lookup ? { lookup: options.lookup } : {}),
        what: `component '${record.name}'`,
      });
      const latency_ms = Math.max(0, Math.round(elapsed() - started));
      const base = { id: record.id, name: record.name, url, latency_ms, checked_at: now().toISOString() };
      if (response.ok) {
        const healthy = response.status >= 200 && response.status < 300;
        return { ...base, reachable: true, healthy, status: response.status, error: null };
      }
      const error = response.result.status === 'error' ? response.result.error_message : 'unreachable';
      return { ...base, reachable: false, healthy: false, status: null, error };
    },
  };
}
