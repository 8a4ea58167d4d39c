/** The schedules of every active workflow, read from the registry. */
import type { ScheduleDef, WorkflowDef } from '../core/model.js';
import type { RegistryRepo } from '../store/store.js';

/** One schedule as the scheduler drives it. */
export interface ScheduleEntry {
  /** `<workflow ref>/<trigger name>`. */
  id: string;
  workflow_ref: string;
  name: string;
  /** The registered version the schedule was read from. */
  workflow_version: number;
  schedule: ScheduleDef;
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
        out.push({ id: triggerIdOf(record.ref, name), workflow_ref: record.ref, name, workflow_version: record.version, schedule: trigger.schedule });
      }
    }
    if (page.items.length < PAGE) break;
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
