import type { RouteDef } from '../route.js';
import type { StreamHub } from '../stream-hub.js';
import { assistantRoutes } from './assistant.js';
import { checkpointRoutes } from './checkpoints.js';
import { componentRoutes } from './components.js';
import { eventRoutes } from './events.js';
import { executionRoutes } from './executions.js';
import { gitRoutes } from './git.js';
import { logRoutes } from './logs.js';
import { packRoutes } from './packs.js';
import { sessionRoutes } from './session.js';
import { hookRoutes } from './hooks.js';
import { scheduleRoutes } from './schedules.js';
import { systemRoutes } from './system.js';
import { templateRoutes } from './templates.js';
import { waitRoutes } from './waits.js';
import { workflowHistoryRoutes } from './workflow-history.js';
import { workflowRoutes } from './workflows.js';

/** The whole REST and SSE route table, in the order the OpenAPI document lists it. */
export function allRoutes(hub: StreamHub): RouteDef[] {
  return [
    ...workflowRoutes(),
    ...workflowHistoryRoutes(),
    ...executionRoutes(),
    ...waitRoutes(),
    ...logRoutes(hub),
    ...templateRoutes(),
    ...checkpointRoutes(),
    ...packRoutes(),
    ...gitRoutes(),
    ...componentRoutes(),
    ...scheduleRoutes(),
    ...hookRoutes(),
    ...assistantRoutes(),
    ...eventRoutes(hub),
    ...systemRoutes(),
    ...sessionRoutes(),
  ];
}
