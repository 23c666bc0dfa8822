import * as z from 'zod';
import { defineTask } from '../../shared/contract/index.ts';
import people from './app.ts';
import { cardHashKey } from './lib/cards.ts';
import { enrich } from './lib/enrich.ts';
import { SYNC_KINDS } from './lib/kinds.ts';
import { providerFor } from './lib/provider.ts';

/**
 * Give up to PEOPLE_ENRICH_BATCH_SIZE users without a card one each, from the provider (each
 * user's row in its own short transaction, requests outside any: ownTransactions).
 */
export default defineTask({
  consumes: SYNC_KINDS.cards,
  payload: z.object({}).loose(),
  concurrency: 1,
  ownTransactions: true,
  retry: { attempts: 4, baseDelayMs: 30_000, maxDelayMs: 300_000 },
  lambda: { timeoutSeconds: 300 },
  handler: async (_payload, ctx) => {
    const settings = people.config(ctx.config);
    const provider = providerFor('cards', { settings, db: ctx.db, log: ctx.log, metrics: ctx.metrics });
    return enrich(ctx.db, 'cards', provider, {
      batchSize: settings.PEOPLE_ENRICH_BATCH_SIZE,
      leaseSeconds: settings.PEOPLE_SYNC_LEASE_S,
      cardKey: cardHashKey(ctx.config, settings),
      jobId: ctx.message.jobId,
      log: ctx.log,
    });
  },
});
