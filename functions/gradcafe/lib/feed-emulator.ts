import type { Queryable } from '../../../shared/db/port.ts';
import { BUNDLED_FIRST_ID, BUNDLED_LAST_ID, entryFor } from './entry-generator.ts';
import type { GradcafeSettings } from '../app.ts';
import type { EntrySource, FeedPage } from './source.ts';

/**
 * A local stand-in for the GradCafe feed, so "Pull Data" finds something new without the
 * internet. It serves `entryFor(id)` for every id from the bundled set up to the latest
 * released one; entries after the bundled set are released over time (one every
 * GRADCAFE_EMULATOR_RELEASE_S seconds since the emulator started) and on demand. The state
 * lives in `gradcafe.feed_emulator`, so released entries stay released across restarts.
 */

/** A ceiling on released entries, so a clock far in the future cannot mint absurd ids. */
export const MAX_RELEASED = 10_000_000;

/**
 * Whether this deployment serves the emulator's routes: where it is the configured source (no
 * GRADCAFE_SOURCE_URL), or where GRADCAFE_FEED_EMULATOR says so (compose points the source URL at
 * the web role's own emulator). A deployment reading the real feed has no emulator to poke at.
 */
export function feedEmulatorServed(
  settings: Pick<GradcafeSettings, 'GRADCAFE_SOURCE_URL' | 'GRADCAFE_FEED_EMULATOR'>,
): boolean {
  return settings.GRADCAFE_FEED_EMULATOR ?? settings.GRADCAFE_SOURCE_URL === undefined;
}

/** Start the emulator's clock if it has not started yet. Idempotent. */
export async function startEmulator(db: Queryable): Promise<void> {
  await db.query('insert into gradcafe.feed_emulator (id) values (1) on conflict (id) do nothing');
}

/** How many entries after the bundled set are released now. */
export async function releasedCount(db: Queryable, releaseEverySeconds: number): Promise<number> {
  await startEmulator(db);
  const { rows } = await db.query<{ released: number }>(
    `select least(
       released_on_demand
         + case when $1::float8 > 0
             then floor(extract(epoch from now() - started_at) / $1::float8)
             else 0 end,
       $2::int
     )::int as released
     from gradcafe.feed_emulator`,
    [releaseEverySeconds, MAX_RELEASED],
  );
  return rows[0]?.released ?? 0;
}

/** Release `count` more entries right away; returns the number released now. */
export async function releaseMore(
  db: Queryable,
  count: number,
  releaseEverySeconds: number,
): Promise<number> {
  await startEmulator(db);
  await db.query(
    'update gradcafe.feed_emulator set released_on_demand = least(released_on_demand + $1::int, $2::int)',
    [count, MAX_RELEASED],
  );
  return releasedCount(db, releaseEverySeconds);
}

/** The id of the newest entry the feed serves when `released` entries are out. */
export function latestIdFor(released: number): number {
  return BUNDLED_LAST_ID + released;
}

/** One page of the feed: entries with id > `after`, oldest first. Pure. */
export function feedPage(released: number, after: number, limit: number): FeedPage {
  const latest = latestIdFor(released);
  const first = Math.max(after + 1, BUNDLED_FIRST_ID);
  const last = Math.min(first + limit - 1, latest);
  const entries = [];
  for (let id = first; id <= last; id++) entries.push(entryFor(id));
  return { entries, nextAfter: last < latest && entries.length > 0 ? last : null };
}

/** The emulator as an entry source, read through `db` (the caller's transaction). */
export function emulatorSource(db: Queryable, releaseEverySeconds: number): EntrySource {
  return {
    url: 'emulator (in-process)',
    fetchPage: async (after, limit) => feedPage(await releasedCount(db, releaseEverySeconds), after, limit),
  };
}
