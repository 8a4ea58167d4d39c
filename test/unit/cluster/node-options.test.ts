import { describe, expect, it } from 'vitest';
import { resolveNodeOptions } from '../../../src/cluster/node-options.js';
import type { NodeOptions } from '../../../src/cluster/node-options.js';

const base = {} as NodeOptions;

describe('resolveNodeOptions()', () => {
  it('defaults to a 4 s lease renewed every 1.33 s, with a 30 s watchdog on the event loop', () => {
    expect(resolveNodeOptions(base)).toMatchObject({ lease_ms: 4000, heartbeat_ms: 1333, watchdog_ms: 30_000, claim_interval_ms: 1000, claim_batch: 50, shutdown_grace_ms: 10_000 });
  });

  it('gives a long lease a watchdog of three leases', () => {
    expect(resolveNodeOptions({ ...base, lease_ms: 15_000 }).watchdog_ms).toBe(45_000);
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
