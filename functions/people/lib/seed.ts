import type { Logger } from 'pino';
import type { Config } from '../../../shared/config.ts';
import type { Db } from '../../../shared/db/port.ts';
import people from '../app.ts';
import { cardHashKey } from './cards.ts';
import { enrich } from './enrich.ts';
import { providerFor } from './provider.ts';
import { syncUsers } from './sync-users.ts';

/**
 * The People app's demo, where the provider is the bundled emulator and nobody has been synced
 * yet: the first users sync and a first batch of each enrichment, so the page shows people at
 * once (the schedules and Sync now do the rest). Idempotent: nothing happens once a user exists,
 * and never against a real provider (a start must not depend on someone else's API).
 */
export async function seed(db: Db, log: Logger, config: Config): Promise<{ synced: number }> {
  const settings = people.config(config);
  if (settings.PEOPLE_USERS_API_URL) return { synced: 0 };
  const { rows } = await db.query<{ any: boolean }>(`select exists (select 1 from people.users) as any`);
  if (rows[0]!.any) return { synced: 0 };
  const leaseSeconds = settings.PEOPLE_SYNC_LEASE_S;
  const outcome = await syncUsers(db, providerFor('users', { settings, db, log }), { leaseSeconds, log });
  for (const what of ['addresses', 'cards'] as const) {
    await enrich(db, what, providerFor(what, { settings, db, log }), {
      batchSize: settings.PEOPLE_ENRICH_BATCH_SIZE,
      leaseSeconds,
      cardKey: cardHashKey(config, settings),
      log,
    });
  }
  return { synced: outcome.status === 'succeeded' ? outcome.inserted : 0 };
}
