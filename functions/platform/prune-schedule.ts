import { defineSchedule } from '../../shared/contract/index.ts';

/** Once a day (PRUNE_CRON), clean up what the platform tables would otherwise keep forever. */
export default defineSchedule({ cron: (c) => c.PRUNE_CRON, publishes: 'platform_prune' });
