import type { Logger } from 'pino';
import type { Db, Queryable, Tx } from '../../../shared/db/port.ts';
import type { Provider, ProviderUser, UsersPage } from './provider.ts';
import { claimRun, finishRun, renewRun } from './sync-runs.ts';

/**
 * The users sync: page through the provider and upsert each page by the provider's id, each page
 * in its own short transaction and every request outside any (a slow provider holds no
 * connection). Rerunning it adds nothing twice; a field that changed is updated. Once a complete
 * listing has been read, users it no longer holds are marked missing (kept, never deleted); a
 * listing that was not complete (a page the provider repeated, the total changing under us) marks
 * nobody.
 *
 * A provider failure (after the client's own retries) ends the run as failed and is thrown, so the
 * task's retry and dead-letter queue take over; the pages written before it stay written (each is
 * whole, and the next run writes them again, the same).
 */

export const PAGE_SIZE = 100;
/** A page that brings no new user is asked for again this many times before the run gives up on it. */
const REPEATS_TOLERATED = 2;

export type UsersSyncCounts = {
  fetched: number;
  inserted: number;
  updated: number;
  missing: number;
  complete: boolean;
};

/** Runs a sync's last step in a transaction (the task's ctx.finish, or a plain one). */
export type LastStep = <R>(step: (tx: Tx) => Promise<R>) => Promise<R>;

export type UsersSyncOutcome =
  ({ status: 'succeeded'; runId: string } & UsersSyncCounts) | { status: 'skipped'; reason: string };

export async function syncUsers(
  db: Db,
  provider: Provider,
  options: {
    leaseSeconds: number;
    jobId?: string | undefined;
    log: Logger;
    pageSize?: number;
    /** The task's ctx.finish: the last step commits with the message's "done" (default: on its own). */
    finish?: LastStep;
  },
): Promise<UsersSyncOutcome> {
  const claim = await claimRun(db, 'users', options);
  if ('running' in claim) {
    const reason = `a users sync is already running (run ${claim.running.id}, started ${claim.running.startedAt})`;
    options.log.info({ runId: claim.running.id }, `skipped: ${reason}`);
    return { status: 'skipped', reason };
  }
  const { runId } = claim;
  const log = options.log.child({ runId });
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const counts: UsersSyncCounts = { fetched: 0, inserted: 0, updated: 0, missing: 0, complete: false };
  const seen = new Set<number>();
  try {
    let total = 0;
    let repeats = 0;
    let renewedAt = 0;
    // The next page is asked for while this one is written: the provider and the database work
    // at once. (A prefetch that fails is reported when awaited, never as an unhandled rejection.)
    const ask = (skip: number): PendingPage => {
      const page = provider.fetchUsers(skip, pageSize);
      page.catch(() => {});
      return { skip, page };
    };
    for (let next: PendingPage | undefined = ask(0); next;) {
      // Typed: TypeScript cannot infer through `next`, which the loop reassigns.
      const skip: number = next.skip;
      const page: UsersPage = await next.page;
      const fresh = page.users.filter((user) => !seen.has(user.id));
      if (page.users.length > 0 && fresh.length === 0 && repeats < REPEATS_TOLERATED) {
        repeats++;
        log.warn({ skip }, 'the provider repeated a page: asking for it again');
        next = ask(skip);
        continue;
      }
      repeats = 0;
      total = page.total;
      const following = skip + page.users.length;
      next = page.users.length > 0 && following < page.total ? ask(following) : undefined;
      for (const user of page.users) seen.add(user.id);
      counts.fetched += page.users.length;
      await db.transaction(async (tx) => {
        const written = await upsertUsers(tx, page.users, runId);
        counts.inserted += written.inserted;
        counts.updated += written.updated;
        // The lease (and the counts the page shows) a few times per lease, not on every page.
        if (performance.now() - renewedAt > (options.leaseSeconds * 1000) / 4) {
          await renewRun(tx, runId, counts, options.leaseSeconds);
          renewedAt = performance.now();
        }
      });
    }
    counts.complete = seen.size === total;
    const last = options.finish ?? ((step) => db.transaction(step));
    return await last(async (tx) => {
      if (counts.complete) counts.missing = await markMissing(tx, runId);
      else log.warn({ seen: seen.size, total }, 'the listing was not complete: nobody is marked missing');
      await finishRun(tx, runId, { status: 'succeeded', counts });
      log.info(counts, 'users synced');
      return { status: 'succeeded' as const, runId, ...counts };
    });
  } catch (err) {
    await finishRun(db, runId, { status: 'failed', counts, error: (err as Error).message }).catch(
      (finishErr: unknown) => log.warn({ err: finishErr }, 'could not record the failed run'),
    );
    throw err;
  }
}

interface PendingPage {
  skip: number;
  page: Promise<UsersPage>;
}

/** One page, inserted or updated by external id; counts new users and users whose data changed. */
async function upsertUsers(
  tx: Queryable,
  users: ProviderUser[],
  runId: string,
): Promise<{ inserted: number; updated: number }> {
  if (users.length === 0) return { inserted: 0, updated: 0 };
  const rows = users.map((user) => ({
    external_id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    email: user.email,
    phone: user.phone ?? null,
    username: user.username ?? null,
    birth_date: user.birthDate ?? null,
    gender: user.gender ?? null,
    image: user.image ?? null,
  }));
  // `changed` reads the rows as they were before this statement (one snapshot for the whole of it).
  const { rows: result } = await tx.query<{ inserted: number; updated: number }>(
    `with incoming as (
       select * from jsonb_to_recordset($1::jsonb) as r(
         external_id bigint, first_name text, last_name text, email text, phone text, username text,
         birth_date date, gender text, image text)
     ), changed as (
       select i.external_id from incoming i join people.users u using (external_id)
        where (u.first_name, u.last_name, u.email, u.phone, u.username, u.birth_date, u.gender, u.image)
              is distinct from
              (i.first_name, i.last_name, i.email, i.phone, i.username, i.birth_date, i.gender, i.image)
     ), written as (
       insert into people.users as u
              (external_id, first_name, last_name, email, phone, username, birth_date, gender, image, seen_in_run)
       select external_id, first_name, last_name, email, phone, username, birth_date, gender, image, $2
         from incoming
       on conflict (external_id) do update
          set first_name = excluded.first_name, last_name = excluded.last_name, email = excluded.email,
              phone = excluded.phone, username = excluded.username, birth_date = excluded.birth_date,
              gender = excluded.gender, image = excluded.image,
              seen_at = now(), seen_in_run = excluded.seen_in_run, missing_since = null,
              updated_at = case when u.external_id in (select external_id from changed) then now()
                                else u.updated_at end
       returning xmax = 0 as inserted
     )
     select (select count(*) from written where inserted)::int as inserted,
            (select count(*) from changed)::int as updated`,
    [JSON.stringify(rows), runId],
  );
  return result[0]!;
}

/** Users the complete listing did not hold: not seen in this run. */
async function markMissing(tx: Queryable, runId: string): Promise<number> {
  const { rowCount } = await tx.query(
    `update people.users set missing_since = now()
      where missing_since is null and seen_in_run is distinct from $1`,
    [runId],
  );
  return rowCount;
}
