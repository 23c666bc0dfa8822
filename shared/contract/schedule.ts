import type { Config } from '../config.ts';

export interface ScheduleDefinition {
  type: 'schedule';
  /** Cron expression (5 or 6 fields, UTC), or read from the config (an app's settings too); `off` or undefined disables the schedule. */
  cron: (config: Config) => string | undefined;
  /** Kind of the message each tick publishes; the work itself is a task. */
  publishes: string;
  payload: (now: Date) => unknown;
  /** Size of this function's Lambda (see ScheduleOptions.lambda). */
  lambda?: { memoryMb?: number; timeoutSeconds?: number };
}

export interface ScheduleOptions {
  cron: string | ((config: Config) => string | undefined);
  publishes: string;
  payload?: unknown | ((now: Date) => unknown);
  /** Size of this function's Lambda (the SAM template reads it). Defaults: 256 MB, 30 s. */
  lambda?: { memoryMb?: number; timeoutSeconds?: number };
}

/**
 * Declare a schedule: each tick publishes one message (as a job); a task does the work.
 *
 * @example
 *   export default defineSchedule({ cron: '0 * * * *', publishes: 'hourly_report' });
 *   // From a setting: the platform's config, or an app's (`functions/<app>/app.ts`) read from it.
 *   export default defineSchedule({
 *     cron: (config) => gradcafe.config(config).GRADCAFE_PULL_CRON,
 *     publishes: 'scrape_new_data',
 *   });
 */
export function defineSchedule(options: ScheduleOptions): ScheduleDefinition {
  const { cron, payload } = options;
  return {
    type: 'schedule',
    cron: typeof cron === 'function' ? cron : () => cron,
    publishes: options.publishes,
    payload: typeof payload === 'function' ? (payload as (now: Date) => unknown) : () => payload ?? {},
    ...(options.lambda ? { lambda: options.lambda } : {}),
  };
}
