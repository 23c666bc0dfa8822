import { defineSchedule } from '../../shared/contract/index.ts';

/** Pull new entries on GRADCAFE_PULL_CRON (default every 15 minutes; `off` disables it). */
export default defineSchedule({ cron: (c) => c.GRADCAFE_PULL_CRON, publishes: 'scrape_new_data' });
