import { defineEnrichTask } from './lib/sync-task.ts';

/** Give up to PEOPLE_ENRICH_BATCH_SIZE users without an address one each, from the provider. */
export default defineEnrichTask('addresses');
