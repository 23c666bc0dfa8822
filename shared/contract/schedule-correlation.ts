// Its own module, free of imports: HTTP bundles (the console) use it without the cron checks.

/**
 * Every job a schedule fires carries `schedule:<id>:<tick>` as its correlation id, whoever fired
 * it (the scheduler, EventBridge, the CLI, the console's "Run now"): the console finds a
 * schedule's last run by it.
 */
export const scheduleCorrelationId = (scheduleId: string, tick: string) => `schedule:${scheduleId}:${tick}`;
