/** Schedules: the ones active workflows declare, with their next fire times; pausing, resuming, firing and backfilling them. */
import type { HarmoniaApi } from '../core/harmonia-api.js';
import type { ScheduleService } from '../triggers/schedule-service.js';
import { pageItems, pageOf } from './page.js';

export type ScheduleUseCases = Pick<HarmoniaApi, 'listSchedules' | 'getSchedule' | 'pauseSchedule' | 'resumeSchedule' | 'triggerSchedule' | 'backfillSchedule' | 'listTriggerFires'>;

/** `[workflow ref, trigger name]` of a schedule id `<workflow ref>/<trigger name>`. */
export function scheduleKey(scheduleId: string): readonly [string, string] {
  const slash = scheduleId.indexOf('/');
  return slash === -1 ? [scheduleId, ''] : [scheduleId.slice(0, slash), scheduleId.slice(slash + 1)];
}

/** Creates the schedule use-cases over the schedule service. */
export function createScheduleUseCases(schedules: ScheduleService): ScheduleUseCases {
  return {
    async listSchedules(options = {}) {
      pageOf(options);
      return pageItems(await schedules.list(options.workflow), options);
    },
    getSchedule: (scheduleId) => schedules.get(...scheduleKey(scheduleId)),
    pauseSchedule: (scheduleId, options = {}) => schedules.pause(...scheduleKey(scheduleId), options.note),
    resumeSchedule: (scheduleId) => schedules.resume(...scheduleKey(scheduleId)),
    triggerSchedule: (scheduleId, options = {}) => schedules.trigger(...scheduleKey(scheduleId), options.overlap),
    backfillSchedule: (scheduleId, range) =>
      schedules.backfill(...scheduleKey(scheduleId), { from: range.from, to: range.to, ...(range.overlap !== undefined ? { overlap: range.overlap } : {}) }),
    listTriggerFires: (triggerId, options = {}) => schedules.fires(...scheduleKey(triggerId), pageOf(options)),
  };
}
