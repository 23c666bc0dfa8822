import type { Logger } from 'pino';
import type { Db, Queryable } from '../../../shared/db/port.ts';
import { ProviderError } from '../../../shared/provider/json-client.ts';
import { storedCard } from './cards.ts';
import type { Provider } from './provider.ts';
import { claimRun, finishRun, renewRun } from './sync-runs.ts';
import type { LastStep } from './sync-users.ts';

/**
 * The two enrichments: give up to `batchSize` users without an address (or a card) exactly one,
 * from the provider's record of that user. Requests run outside any transaction; each user's row
 * is written in its own short one, by `user_id` (unique), updated on conflict: two runs that pick
 * the same user still leave one address. A user the provider no longer knows (404) is left
 * without one and counted; any other failure ends the run (the task retries it).
 */

export type Enrichment = 'addresses' | 'cards';

export type EnrichCounts = { picked: number; linked: number; unknown: number };

export type EnrichOutcome =
  ({ status: 'succeeded'; runId: string } & EnrichCounts) | { status: 'skipped'; reason: string };

export async function enrich(
  db: Db,
  what: Enrichment,
  provider: Provider,
  options: {
    batchSize: number;
    leaseSeconds: number;
    cardKey: Buffer;
    jobId?: string | undefined;
    log: Logger;
    /** The task's ctx.finish: the last step commits with the message's "done" (default: on its own). */
    finish?: LastStep;
  },
): Promise<EnrichOutcome> {
  const claim = await claimRun(db, what, options);
  if ('running' in claim) {
    const reason = `the ${what} enrichment is already running (run ${claim.running.id})`;
    options.log.info({ runId: claim.running.id }, `skipped: ${reason}`);
    return { status: 'skipped', reason };
  }
  const { runId } = claim;
  const counts: EnrichCounts = { picked: 0, linked: 0, unknown: 0 };
  try {
    const users = await usersWithout(db, what, options.batchSize);
    counts.picked = users.length;
    for (const user of users) {
      const detail = await provider.fetchUser(user.externalId).catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      if (!detail) {
        counts.unknown++;
        continue;
      }
      await db.transaction(async (tx) => {
        if (what === 'addresses') await linkAddress(tx, user.id, detail.address);
        else await linkCard(tx, user.id, storedCard(detail.bank, options.cardKey));
        counts.linked++;
        await renewRun(tx, runId, counts, options.leaseSeconds);
      });
    }
    const last = options.finish ?? ((step) => db.transaction(step));
    return await last(async (tx) => {
      await finishRun(tx, runId, { status: 'succeeded', counts });
      options.log.info({ runId, ...counts }, `${what} enriched`);
      return { status: 'succeeded' as const, runId, ...counts };
    });
  } catch (err) {
    await finishRun(db, runId, { status: 'failed', counts, error: (err as Error).message }).catch(() => {});
    throw err;
  }
}

async function usersWithout(
  db: Queryable,
  what: Enrichment,
  limit: number,
): Promise<{ id: string; externalId: number }[]> {
  const table = what === 'addresses' ? 'people.addresses' : 'people.cards';
  const { rows } = await db.query<{ id: string; external_id: string }>(
    `select u.id::text, u.external_id::text from people.users u
      where u.missing_since is null and not exists (select 1 from ${table} x where x.user_id = u.id)
      order by u.id limit $1`,
    [limit],
  );
  return rows.map((row) => ({ id: row.id, externalId: Number(row.external_id) }));
}

async function linkAddress(
  tx: Queryable,
  userId: string,
  address: {
    address: string;
    city: string;
    state?: string | undefined;
    stateCode?: string | undefined;
    postalCode?: string | undefined;
    country?: string | undefined;
    coordinates?: { lat: number; lng: number } | undefined;
  },
): Promise<void> {
  await tx.query(
    `insert into people.addresses (user_id, address, city, state, state_code, postal_code, country, latitude, longitude)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     on conflict (user_id) do update
        set address = excluded.address, city = excluded.city, state = excluded.state,
            state_code = excluded.state_code, postal_code = excluded.postal_code, country = excluded.country,
            latitude = excluded.latitude, longitude = excluded.longitude, updated_at = now()`,
    [
      userId,
      address.address,
      address.city,
      address.state ?? null,
      address.stateCode ?? null,
      address.postalCode ?? null,
      address.country ?? null,
      address.coordinates?.lat ?? null,
      address.coordinates?.lng ?? null,
    ],
  );
}

async function linkCard(tx: Queryable, userId: string, card: ReturnType<typeof storedCard>): Promise<void> {
  await tx.query(
    `insert into people.cards (user_id, brand, last4, exp_month, exp_year, number_hash)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (user_id) do update
        set brand = excluded.brand, last4 = excluded.last4, exp_month = excluded.exp_month,
            exp_year = excluded.exp_year, number_hash = excluded.number_hash, updated_at = now()`,
    [userId, card.brand, card.last4, card.expMonth, card.expYear, card.numberHash],
  );
}

function isNotFound(err: unknown): boolean {
  return err instanceof ProviderError && err.providerStatus === 404;
}
