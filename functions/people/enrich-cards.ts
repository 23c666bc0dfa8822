import { defineEnrichTask } from './lib/sync-task.ts';

/** Give up to PEOPLE_ENRICH_BATCH_SIZE users without a card one each, from the provider. */
export default defineEnrichTask('cards');
