/** /api/v1/schedules: the schedules workflows declare under `triggers:`, as objects. */
import type { OverlapPolicy } from '../../core/model.js';
import { defineRoutes } from '../route.js';
import { PAGE_QUERY, pageQuery } from './paging.js';


function bodyOf(body: unknown): { note?: string; overlap?: OverlapPolicy; from?: string; to?: string } {
  return typeof body === 'object' && body !== null ? (body as { note?: string; overlap?: OverlapPolicy; from?: string; to?: string }) : {};
}

/** The schedule routes. */
export function scheduleRoutes() {
  const notFound = { description: 'No such schedule.', schema: 'Error' };
  const path = '/schedules/:workflow/:name';
  const at = (params: Record<string, string>) => [params.workflow ?? '', params.name ?? ''] as const;
  return defineRoutes([
    {
      method: 'GET',
      path: '/schedules',
      base: 'api',
      scope: 'read',
      tag: 'schedules',
      summary: 'List every schedule of every active workflow, with its next fire time and last fire.',
      query: [...PAGE_QUERY, { name: 'workflow', type: 'string', description: 'Only the schedules of this workflow ref.' }],
      responses: { 200: { description: 'A page of the schedules, ordered by id.', schema: 'ScheduleList' } },
      handler: async (request, services) => {
        const workflow = request.query.workflow;
        return { body: await services.app.listSchedules({ ...pageQuery(request.query), ...(workflow ? { workflow } : {}) }) };
      },
    },
    {
      method: 'GET',
      path,
      base: 'api',
      scope: 'read',
      tag: 'schedules',
      summary: 'One schedule with its next five fire times and its ten most recent fires.',
      responses: { 200: { description: 'The schedule.', schema: 'ScheduleDetail' }, 404: notFound },
      handler: async (request, services) => ({ body: await services.app.getSchedule(at(request.params).join('/')) }),
    },
    {
      method: 'POST',
      path: `${path}/pause`,
      base: 'api',
      scope: 'write',
      tag: 'schedules',
      summary: 'Pause a schedule (it fires nothing until resumed).',
      body: { types: ['json'], schema: 'PauseScheduleRequest', required: false },
      responses: { 200: { description: 'The paused schedule.', schema: 'ScheduleView' }, 404: notFound },
      handler: async (request, services) => {
        const { note } = bodyOf(request.body);
        return { body: await services.app.pauseSchedule(at(request.params).join('/'), note !== undefined ? { note } : {}) };
      },
    },
    {
      method: 'POST',
      path: `${path}/resume`,
      base: 'api',
      scope: 'write',
      tag: 'schedules',
      summary: 'Resume a paused schedule; times missed while paused are not caught up.',
      responses: { 200: { description: 'The resumed schedule.', schema: 'ScheduleView' }, 404: notFound },
      handler: async (request, services) => ({ body: await services.app.resumeSchedule(at(request.params).join('/')) }),
    },
    {
      method: 'POST',
      path: `${path}/trigger`,
      base: 'api',
      scope: 'write',
      tag: 'schedules',
      summary: "Fire a schedule now, under its overlap policy or the one given.",
      body: { types: ['json'], schema: 'TriggerScheduleRequest', required: false },
      responses: { 201: { description: 'The fire and what came of it.', schema: 'ScheduleFire' }, 404: notFound },
      handler: async (request, services) => {
        const { overlap } = bodyOf(request.body);
        return { status: 201, body: await services.app.triggerSchedule(at(request.params).join('/'), overlap !== undefined ? { overlap } : {}) };
      },
    },
    {
      method: 'POST',
      path: `${path}/backfill`,
      base: 'api',
      scope: 'write',
      tag: 'schedules',
      summary: 'Fire every scheduled time of a range not fired before, oldest first.',
      body: { types: ['json'], schema: 'BackfillScheduleRequest', required: true },
      responses: { 200: { description: 'What each time of the range became.', schema: 'BackfillResult' }, 400: { description: 'Bad range.', schema: 'Error' }, 404: notFound },
      handler: async (request, services) => {
        const { from = '', to = '', overlap } = bodyOf(request.body);
        return { body: await services.app.backfillSchedule(at(request.params).join('/'), { from, to, ...(overlap ? { overlap } : {}) }) };
      },
    },
    {
      method: 'GET',
      path: '/triggers/:workflow/:name/fires',
      base: 'api',
      scope: 'read',
      tag: 'schedules',
      summary: "A page of the fires of any trigger the workflow declares (schedule, webhook or after), or declared once and fired (a removed trigger keeps its history), newest first: each fire's reason, outcome, execution and detail.",
      query: PAGE_QUERY,
      responses: {
        200: { description: 'A page of the fires, newest scheduled time first.', schema: 'TriggerFireList' },
        404: { description: 'The workflow declares no such trigger, and no trigger of that name ever fired.', schema: 'Error' },
      },
      handler: async (request, services) => ({ body: await services.app.listTriggerFires(at(request.params).join('/'), pageQuery(request.query)) }),
    },
  ]);
}
