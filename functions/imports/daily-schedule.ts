import { defineSchedule } from '../../shared/contract/index.ts';
import imports from './app.ts';
import { DAILY_KIND } from './lib/run-imports.ts';

/** The daily import on IMPORTS_CRON (default 05:00 UTC; `off` disables it). */
export default defineSchedule({
  cron: (config) => imports.config(config).IMPORTS_CRON,
  publishes: DAILY_KIND,
});
