import { cardHashKey } from './lib/cards.ts';
import { enrich } from './lib/enrich.ts';
import { defineSyncTask } from './lib/sync-task.ts';

/** Give up to PEOPLE_ENRICH_BATCH_SIZE users without an address one each (see lib/enrich.ts). */
export default defineSyncTask('addresses', (ctx, settings, provider) =>
  enrich(ctx.db, 'addresses', provider, {
    batchSize: settings.PEOPLE_ENRICH_BATCH_SIZE,
    leaseSeconds: settings.PEOPLE_SYNC_LEASE_S,
    cardKey: cardHashKey(ctx.config, settings),
    jobId: ctx.message.jobId,
    log: ctx.log,
    finish: ctx.finish,
  }),
);
