import * as z from 'zod';

/**
 * A standard cron expression (5 fields, or 6 with seconds first, or 7 with a year), a nickname
 * such as `@daily`, or `off`. Only its shape is checked here, so that a typo (a missing field, a
 * stray character) stops the process at start naming the variable; the scheduler (croner) and the
 * SAM template check the fields' values. croner itself is not used: settings are in every Lambda
 * bundle, and a schedule is only fired by the scheduler.
 */
const CRON_SHAPE = /^(off|@[a-z]+|[\w*,/?#-]+(\s+[\w*,/?#-]+){4,6})$/i;

/**
 * A setting that holds a schedule (UTC), `off` disabling it.
 *
 * @example
 *   const schema = z.object({ PRUNE_CRON: cronSetting('17 3 * * *').describe('When the clean-up runs.') });
 *   schema.parse({ PRUNE_CRON: '*\/5 * * *' }); // throws: expected a cron expression …
 */
export function cronSetting(defaultValue: string) {
  return z
    .string()
    .trim()
    .regex(CRON_SHAPE, 'expected a cron expression of 5 to 7 fields (UTC), or off')
    .default(defaultValue);
}
