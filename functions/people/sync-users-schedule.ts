import { defineSchedule } from '../../shared/contract/index.ts';
import people from './app.ts';
import { SYNC_KINDS } from './lib/kinds.ts';

/** Sync the users on PEOPLE_SYNC_CRON (default every 15 minutes; `off` disables it). */
export default defineSchedule({
  cron: (config) => people.config(config).PEOPLE_SYNC_CRON,
  publishes: SYNC_KINDS.users,
});
