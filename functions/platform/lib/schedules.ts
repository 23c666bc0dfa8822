import type { HttpCtx, ScheduleState } from '../../../shared/contract/index.ts';
import { nextRunOf } from '../../../shared/contract/index.ts';

/** A schedule as the console shows it: its state, and when its cron fires next. */
export interface ScheduleInfo extends ScheduleState {
  nextRun: string | null;
}

export async function schedulesWithNextRun(ctx: Pick<HttpCtx, 'operator'>): Promise<ScheduleInfo[]> {
  const now = new Date();
  return (await ctx.operator.schedules()).map((schedule) => ({
    ...schedule,
    nextRun: schedule.cron ? nextRunOf(schedule.cron, now) : null,
  }));
}
