import { defineSchedule } from '../../shared/contract/index.ts';
import gradcafe from './app.ts';

/** Pull new entries on GRADCAFE_PULL_CRON (default every 15 minutes; `off` disables it). */
export default defineSchedule({
  cron: (config) => gradcafe.config(config).GRADCAFE_PULL_CRON,
  publishes: 'scrape_new_data',
});
