import { defineSchedule } from '../../shared/contract/index.ts';
import { DAILY_KIND } from './lib/run-imports.ts';

/** The daily import on IMPORTS_CRON (default 05:00 UTC; `off` disables it). */
export default defineSchedule({ cron: (c) => c.IMPORTS_CRON, publishes: DAILY_KIND });
