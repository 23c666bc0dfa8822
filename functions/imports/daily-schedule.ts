import { defineSchedule } from '../../shared/contract/index.ts';
import { DAILY_KIND } from './lib/run-imports.ts';
import { importsSettings } from './lib/settings.ts';

/** The daily import on IMPORTS_CRON (default 05:00 UTC; `off` disables it). */
export default defineSchedule({ cron: () => importsSettings().cron, publishes: DAILY_KIND });
