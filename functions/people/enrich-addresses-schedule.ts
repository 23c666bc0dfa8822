import { defineSchedule } from '../../shared/contract/index.ts';
import people from './app.ts';
import { SYNC_KINDS } from './lib/kinds.ts';

/** Enrich users without an address on PEOPLE_ENRICH_ADDRESS_CRON (default every 10 minutes; `off` disables it). */
export default defineSchedule({
  cron: (config) => people.config(config).PEOPLE_ENRICH_ADDRESS_CRON,
  publishes: SYNC_KINDS.addresses,
});
