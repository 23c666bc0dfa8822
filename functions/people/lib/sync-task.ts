import * as z from 'zod';
import { defineTask, type OwnTransactionsTaskCtx } from '../../../shared/contract/index.ts';
import people, { type PeopleSettings } from '../app.ts';
import { cardHashKey } from './cards.ts';
import { enrich, type Enrichment } from './enrich.ts';
import { SYNC_KINDS } from './kinds.ts';
import { providerFor, type Provider } from './provider.ts';
import type { SyncKind } from './sync-runs.ts';

/**
 * A sync task of the app (users, addresses, cards): no payload, one at a time per worker, and
 * ownTransactions, so that requests to the provider run outside any transaction and each write
 * commits on its own. A redelivered message simply runs the sync again: its writes are upserts.
 */
export function defineSyncTask<R>(
  kind: SyncKind,
  run: (ctx: OwnTransactionsTaskCtx, settings: PeopleSettings, provider: Provider) => Promise<R>,
) {
  return defineTask({
    consumes: SYNC_KINDS[kind],
    payload: z.object({}).loose(),
    concurrency: 1,
    ownTransactions: true,
    retry: { attempts: 4, baseDelayMs: 30_000, maxDelayMs: 300_000 },
    lambda: { timeoutSeconds: 300 },
    handler: async (_payload, ctx) => {
      const settings = people.config(ctx.config);
      return run(
        ctx,
        settings,
        providerFor(kind, { settings, db: ctx.db, log: ctx.log, metrics: ctx.metrics }),
      );
    },
  });
}

/** An enrichment task: up to PEOPLE_ENRICH_BATCH_SIZE users without one get one each (see enrich.ts). */
export function defineEnrichTask(what: Enrichment) {
  return defineSyncTask(what, (ctx, settings, provider) =>
    enrich(ctx.db, what, provider, {
      batchSize: settings.PEOPLE_ENRICH_BATCH_SIZE,
      leaseSeconds: settings.PEOPLE_SYNC_LEASE_S,
      cardKey: cardHashKey(ctx.config, settings),
      jobId: ctx.message.jobId,
      log: ctx.log,
      finish: ctx.finish,
    }),
  );
}
