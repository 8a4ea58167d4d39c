import { registryMigration } from './001-registry.js';
import { executionsMigration } from './002-executions.js';
import { componentsMigration } from './003-components.js';
import { triggersMigration } from './004-triggers.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Numbered, append-only: never edit a released migration, add the next one. */
export const SQLITE_MIGRATIONS: readonly Migration[] = [registryMigration, executionsMigration, componentsMigration, triggersMigration];
