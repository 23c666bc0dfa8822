import { loadConfig, type Config } from '../config.ts';
import { toAwsCron } from './aws-cron.ts';
import { lambdaSize, type LambdaOptions } from './lambda.ts';

export interface ScheduleDefinition {
  type: 'schedule';
  /** Cron expression (5 or 6 fields, UTC), or read from the config (an app's settings too); `off` or undefined disables the schedule. */
  cron: (config: Config) => string | undefined;
  /** Kind of the message each tick publishes; the work itself is a task. */
  publishes: string;
  /** The payload of every tick (and of a "Run now" from the console): fixed, JSON. */
  payload: unknown;
  /** Size of this function's Lambda (see ScheduleOptions.lambda). */
  lambda?: LambdaOptions;
}

export interface ScheduleOptions {
  cron: string | ((config: Config) => string | undefined);
  publishes: string;
  /** Default `{}`. Fixed, so the console can run a schedule now from anywhere, Lambda included. */
  payload?: unknown;
  /** Size of this function's Lambda (the SAM template reads it). Defaults: 256 MB, 30 s. */
  lambda?: LambdaOptions;
}

/**
 * Declare a schedule: each tick publishes one message (as a job); a task does the work.
 *
 * Checked here, so a mistake fails when the module loads: the Lambda size, and the cron, which
 * must also be one EventBridge can run (minute precision, not both day-of-month and day-of-week).
 * A cron read from the configuration is checked with the default settings, the ones the SAM
 * template deploys; the local scheduler checks the configured value when it starts.
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
  const definition: ScheduleDefinition = {
    type: 'schedule',
    cron: typeof cron === 'function' ? cron : () => cron,
    publishes: options.publishes,
    payload: payload ?? {},
    ...(options.lambda ? { lambda: options.lambda } : {}),
  };
  const owner = `defineSchedule ${options.publishes}`;
  const expression = activeCron(definition, loadConfig({}));
  if (expression !== undefined) {
    try {
      toAwsCron(expression);
    } catch (err) {
      throw new TypeError(`${owner}: ${(err as Error).message}`, { cause: err });
    }
  }
  lambdaSize('schedule', options.lambda, owner);
  return definition;
}

/**
 * The cron a schedule runs on under `config`, trimmed; undefined when it is disabled (`off`,
 * empty or unset). The local scheduler and the SAM template both read it through here.
 *
 * @example
 *   activeCron(pullSchedule, loadConfig({ GRADCAFE_PULL_CRON: 'off' })); // undefined
 */
export function activeCron(definition: ScheduleDefinition, config: Config): string | undefined {
  const expression = definition.cron(config)?.trim();
  return expression && expression !== 'off' ? expression : undefined;
}
