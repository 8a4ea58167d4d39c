/** Reading schedules: the ones active workflows declare, with their next fire times. */
import type { HarmoniaApi } from '../core/harmonia-api.js';
import type { ScheduleService } from '../triggers/schedule-service.js';
import { pageItems, pageOf } from './page.js';

export type ScheduleUseCases = Pick<HarmoniaApi, 'listSchedules' | 'getSchedule'>;

/** `[workflow ref, trigger name]` of a schedule id `<workflow ref>/<trigger name>`. */
export function scheduleKey(scheduleId: string): readonly [string, string] {
  const slash = scheduleId.indexOf('/');
  return slash === -1 ? [scheduleId, ''] : [scheduleId.slice(0, slash), scheduleId.slice(slash + 1)];
}

/** Creates the schedule reads over the schedule service. */
export function createScheduleUseCases(schedules: Pick<ScheduleService, 'list' | 'get'>): ScheduleUseCases {
  return {
    async listSchedules(options = {}) {
      pageOf(options);
      return pageItems(await schedules.list(), options);
    },
    getSchedule: (scheduleId) => schedules.get(...scheduleKey(scheduleId)),
  };
}
