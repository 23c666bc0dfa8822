import { defineSchedule } from '../../shared/contract/index.ts';
import people from './app.ts';
import { SYNC_KINDS } from './lib/kinds.ts';

/** Enrich users without a card on PEOPLE_ENRICH_CARD_CRON (default every 10 minutes; `off` disables it). */
export default defineSchedule({
  cron: (config) => people.config(config).PEOPLE_ENRICH_CARD_CRON,
  publishes: SYNC_KINDS.cards,
});
