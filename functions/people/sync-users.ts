import * as z from 'zod';
import { defineTask } from '../../shared/contract/index.ts';
import people from './app.ts';
import { SYNC_KINDS } from './lib/kinds.ts';
import { providerFor } from './lib/provider.ts';
import { syncUsers } from './lib/sync-users.ts';

/**
 * Sync the users from the provider. Requests run outside any transaction and each page commits on
 * its own (ownTransactions), so a slow provider holds no connection; a redelivered message simply
 * syncs again (upserts by the provider's id change nothing twice).
 */
export default defineTask({
  consumes: SYNC_KINDS.users,
  payload: z.object({}).loose(),
  concurrency: 1,
  ownTransactions: true,
  retry: { attempts: 4, baseDelayMs: 30_000, maxDelayMs: 300_000 },
  lambda: { timeoutSeconds: 300 },
  handler: async (_payload, ctx) => {
    const settings = people.config(ctx.config);
    const provider = providerFor('users', { settings, db: ctx.db, log: ctx.log, metrics: ctx.metrics });
    return syncUsers(ctx.db, provider, {
      leaseSeconds: settings.PEOPLE_SYNC_LEASE_S,
      jobId: ctx.message.jobId,
      log: ctx.log,
    });
  },
});
