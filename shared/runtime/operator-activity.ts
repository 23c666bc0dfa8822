import type { LastHour } from '../contract/context.ts';
import type { Queryable } from '../db/port.ts';

/** Minutes in the activity window; every series has one value per minute, oldest first. */
const MINUTES = 60;

const perMinute = (rows: readonly { ago: number; n: number }[]) => {
  const values = new Array<number>(MINUTES).fill(0);
  for (const { ago, n } of rows) {
    const minute = MINUTES - 1 - ago;
    if (minute >= 0 && minute < MINUTES) values[minute] = (values[minute] ?? 0) + n;
  }
  return values;
};

/**
 * The last hour, read from Postgres so it is the same on every driver and on Lambda (where no
 * process lives long enough to keep counters): what each queue handled, from the inbox, and how
 * each kind of job fared, from the jobs' timelines (attempts, failures, durations).
 */
export async function lastHour(db: Queryable): Promise<LastHour> {
  const [handled, attempts] = await Promise.all([
    db.query<{ queue: string; ago: number; n: number }>(
      `select queue, floor(extract(epoch from now() - processed_at) / 60)::int as ago, count(*)::int as n
       from inbox where processed_at > now() - interval '1 hour'
       group by 1, 2`,
    ),
    // The grouping set `(kind)` is each kind's total for the hour: its `ago` is null.
    db.query<{
      kind: string;
      ago: number | null;
      failed: number;
      succeeded: number;
      p50: number;
      p95: number;
    }>(
      `with attempts as (
         select j.kind, e->>'outcome' as outcome, (e->>'finishedAt')::timestamptz as finished,
           extract(epoch from (e->>'finishedAt')::timestamptz - (e->>'startedAt')::timestamptz) as seconds
         from jobs j cross join lateral jsonb_array_elements(j.timeline) e
         where j.updated_at > now() - interval '1 hour' and e->>'type' = 'attempt'
       )
       select kind, floor(extract(epoch from now() - finished) / 60)::int as ago,
         count(*) filter (where outcome <> 'succeeded')::int as failed,
         count(*) filter (where outcome = 'succeeded')::int as succeeded,
         (percentile_cont(0.5) within group (order by seconds))::float8 as p50,
         (percentile_cont(0.95) within group (order by seconds))::float8 as p95
       from attempts where finished > now() - interval '1 hour'
       group by grouping sets ((kind, 2), (kind))
       order by kind`,
    ),
  ]);
  const byQueue = Map.groupBy(handled.rows, (row) => row.queue);
  const kinds = [...Map.groupBy(attempts.rows, (row) => row.kind)].map(([kind, rows]) => {
    const total = rows.find((row) => row.ago === null)!;
    const minutes = rows.flatMap(({ ago, failed }) => (ago === null ? [] : [{ ago, n: failed }]));
    const { succeeded, failed, p50, p95 } = total;
    return { kind, succeeded, failed, failedPerMinute: perMinute(minutes), p50, p95 };
  });
  return {
    handled: Object.fromEntries([...byQueue].map(([queue, rows]) => [queue, perMinute(rows)])),
    kinds,
  };
}
