import { registryMigration } from './001-registry.js';
import { executionsMigration } from './002-executions.js';
import { componentsMigration } from './003-components.js';
import { eventPositionsMigration } from './004-event-positions.js';
import { definitionFilesMigration } from './005-definition-files.js';
import { taskLogsMigration } from './006-task-logs.js';
import { triggersMigration } from './007-triggers.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
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
];
