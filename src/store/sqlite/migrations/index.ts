import { registryMigration } from './001-registry.js';
import { executionsMigration } from './002-executions.js';
import { componentsMigration } from './003-components.js';
import { eventPositionsMigration } from './004-event-positions.js';
import { definitionFilesMigration } from './005-definition-files.js';
import { taskLogsMigration } from './006-task-logs.js';
import { triggersMigration } from './007-triggers.js';
import { executionStatusCheckMigration } from './008-execution-status-check.js';
import { eventsByPositionMigration } from './009-events-by-position.js';
import { positionsNeverReusedMigration } from './010-positions-never-reused.js';
import { executionsByFinishedMigration } from './011-executions-by-finished.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * `off`: the migration runs with foreign keys off (a table rebuilt: dropping the old one
   * must not cascade), and every foreign key is checked before it commits.
   * @default foreign keys as the connection has them
   */
  foreign_keys?: 'off';
}

/** Numbered, append-only: never edit a released migration, add the next one. */
export const SQLITE_MIGRATIONS: readonly Migration[] = [
  registryMigration,
  executionsMigration,
  componentsMigration,
  eventPositionsMigration,
  definitionFilesMigration,
  taskLogsMigration,
  triggersMigration,
  executionStatusCheckMigration,
  eventsByPositionMigration,
  positionsNeverReusedMigration,
  executionsByFinishedMigration,
];
