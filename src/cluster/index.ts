export { createNode } from './create-node.js';
export type { ClusterNode } from './create-node.js';
export { defaultNodeId, resolveNodeOptions } from './node-options.js';
export type { NodeOptions, ResolvedNodeOptions } from './node-options.js';
export type { LeaderTask, LeaderWork } from './lead.js';
export { createSharedBus } from './shared-bus.js';
export type { SharedBus, SharedBusOptions } from './shared-bus.js';
