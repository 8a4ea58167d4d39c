/** The schedules of every active workflow, read from the registry. */
import { MIN_SCHEDULE_INTERVAL_MS, type ScheduleDef, type WorkflowDef } from '../core/model.js';
import type { ScheduleWarning } from '../core/schedule-wire.js';
import type { RegistryRepo } from '../store/store.js';

/** One schedule as the scheduler drives it. */
export interface ScheduleEntry {
  /** `<workflow ref>/<trigger name>`. */
  id: string;
  workflow_ref: string;
  name: string;
  /** The registered version the schedule was read from. */
  workflow_version: number;
  /** As the scheduler runs it: a rule the registered definition breaks is applied here (see `warnings`). */
  schedule: ScheduleDef;
  /** How `schedule` differs from the registered definition, and why. */
  warnings: ScheduleWarning[];
}

/**
 * A workflow registered before validation refused an `every` under a second keeps it in the
 * registry (and a database other nodes share): refusing to load it would stop a schedule
 * someone relies on, running it as stored would start executions faster than any store
 * keeps up with. It runs at the minimum instead, and says so wherever it is seen.
 */
function heldToRules(workflowRef: string, name: string, schedule: ScheduleDef): { schedule: ScheduleDef; warnings: ScheduleWarning[] } {
  const every = schedule.every_ms;
  if (schedule.cron !== undefined || every === undefined || every >= MIN_SCHEDULE_INTERVAL_MS) return { schedule, warnings: [] };
  const message =
    `every ${every}ms of trigger '${name}' (workflow '${workflowRef}', registered before the 1s minimum) is shorter than the shortest interval, ` +
    `1s: it fires every 1s; write every: 1s or longer and sync (TRIGGER_INTERVAL_TOO_SHORT)`;
  return { schedule: { ...schedule, every_ms: MIN_SCHEDULE_INTERVAL_MS }, warnings: [{ code: 'TRIGGER_INTERVAL_TOO_SHORT', message }] };
}

const PAGE = 500;

/** Builds a trigger id from its workflow and name. */
export function triggerIdOf(workflowRef: string, name: string): string {
  return `${workflowRef}/${name}`;
}

/** Every schedule of every active (not pruned) workflow, ordered by id. */
export async function loadSchedules(registry: RegistryRepo): Promise<ScheduleEntry[]> {
  const out: ScheduleEntry[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await registry.listActive({ kind: 'workflow', limit: PAGE, offset });
    for (const record of page.items) {
      const triggers = (record.body as WorkflowDef).triggers;
      if (!triggers) continue;
      for (const [name, trigger] of Object.entries(triggers)) {
        if (!trigger.schedule) continue;
        const held = heldToRules(record.ref, name, trigger.schedule);
        out.push({ id: triggerIdOf(record.ref, name), workflow_ref: record.ref, name, workflow_version: record.version, ...held });
      }
    }
    if (page.items.length < PAGE) break;
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
