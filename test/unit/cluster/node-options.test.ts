import { describe, expect, it } from 'vitest';
import { resolveNodeOptions } from '../../../src/cluster/node-options.js';
import type { NodeOptions } from '../../../src/cluster/node-options.js';

const base = {} as NodeOptions;

describe('resolveNodeOptions()', () => {
  it('defaults to a 15 s lease renewed every 5 s', () => {
    expect(resolveNodeOptions(base)).toMatchObject({ lease_ms: 15_000, heartbeat_ms: 5000, claim_interval_ms: 1000, claim_batch: 50, shutdown_grace_ms: 10_000 });
  });

  it('renews a third of a chosen lease by default', () => {
    expect(resolveNodeOptions({ ...base, lease_ms: 3000 }).heartbeat_ms).toBe(1000);
  });

  it('refuses a heartbeat no shorter than the lease, naming both', () => {
    expect(() => resolveNodeOptions({ ...base, lease_ms: 1000, heartbeat_ms: 1000 })).toThrow(/heartbeat_ms '1000'.*lease_ms \(1000\)/);
  });

  it('makes a node id from the host and process when none is given', () => {
    expect(resolveNodeOptions(base).node_id).toMatch(new RegExp(`-${process.pid}-[0-9a-f]{8}$`));
  });
});
