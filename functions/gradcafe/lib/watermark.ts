import type { Queryable } from '../../../shared/db/port.ts';

/**
 * The ingestion watermark: the highest GradCafe entry id taken from a source. Entry ids only
 * grow, so "newer than the watermark" is "id > last_seen".
 */
export const GRADCAFE_SOURCE = 'gradcafe';

export async function readWatermark(db: Queryable, source: string = GRADCAFE_SOURCE): Promise<number | null> {
  const { rows } = await db.query<{ last_seen: string }>(
    'select last_seen::text as last_seen from gradcafe.ingestion_watermarks where source = $1',
    [source],
  );
  return rows[0] ? Number(rows[0].last_seen) : null;
}

/**
 * Move the watermark up to `lastSeen`; it never moves back, so a re-read of older entries
 * (`since` below the watermark) cannot make the next pull fetch them again. Returns the
 * watermark now stored.
 */
export async function advanceWatermark(
  db: Queryable,
  lastSeen: number,
  source: string = GRADCAFE_SOURCE,
): Promise<number> {
  const { rows } = await db.query<{ last_seen: string }>(
    `insert into gradcafe.ingestion_watermarks (source, last_seen, updated_at)
     values ($1, $2, now())
     on conflict (source) do update
       set last_seen = greatest(gradcafe.ingestion_watermarks.last_seen, excluded.last_seen),
           updated_at = now()
     returning last_seen::text as last_seen`,
    [source, lastSeen],
  );
  return Number(rows[0]?.last_seen ?? lastSeen);
}
