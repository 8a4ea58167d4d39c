import { registryMigration } from './001-registry.js';
import { executionsMigration } from './002-executions.js';
import { componentsMigration } from './003-components.js';
import { leasesMigration } from './004-leases.js';
import { eventPositionsMigration } from './005-event-positions.js';
import { definitionFilesMigration } from './006-definition-files.js';
import { taskLogsMigration } from './007-task-logs.js';
import { triggersMigration } from './008-triggers.js';
import { eventsCheckedPerExecutionMigration } from './009-events-checked-per-execution.js';
import { roomForHotUpdatesMigration } from './010-room-for-hot-updates.js';
import { nodeLivenessLocksMigration } from './011-node-liveness-locks.js';
import { executionsByFinishedMigration } from './012-executions-by-finished.js';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered, append-only: never edit a released migration, add the next one. */
export const POSTGRES_MIGRATIONS: readonly PgMigration[] = [
  registryMigration,
  executionsMigration,
  componentsMigration,
  leasesMigration,
  eventPositionsMigration,
  definitionFilesMigration,
  taskLogsMigration,
  triggersMigration,
  eventsCheckedPerExecutionMigration,
  roomForHotUpdatesMigration,
  nodeLivenessLocksMigration,
  executionsByFinishedMigration,
];
