import type { AppGauge } from '../../../shared/contract/index.ts';

/**
 * The People app's metrics, read from its tables at scrape time (Grafana row "People"); the
 * provider requests by outcome are the platform's `provider_requests_total`.
 */
export const gauges: AppGauge[] = [
  {
    name: 'fnstack_people_users',
    help: 'Users by state: listed (by the provider), missing (no longer listed), with_address, with_card',
    labelNames: ['state'],
    async sample(db) {
      const { rows } = await db.query<Record<'listed' | 'missing' | 'with_address' | 'with_card', number>>(
        `select count(*) filter (where missing_since is null)::float8 as listed,
                count(*) filter (where missing_since is not null)::float8 as missing,
                (select count(*) from people.addresses)::float8 as with_address,
                (select count(*) from people.cards)::float8 as with_card
           from people.users`,
      );
      const counts = rows[0]!;
      return (['listed', 'missing', 'with_address', 'with_card'] as const).map((state) => ({
        labels: { state },
        value: counts[state],
      }));
    },
  },
  {
    name: 'fnstack_people_last_sync_timestamp_seconds',
    help: 'When the last successful run of each sync (users, addresses, cards) finished (Unix time)',
    labelNames: ['kind'],
    async sample(db) {
      const { rows } = await db.query<{ kind: string; at: number }>(
        `select kind, extract(epoch from max(finished_at))::float8 as at
           from people.sync_runs where status = 'succeeded' group by kind`,
      );
      return rows.map((row) => ({ labels: { kind: row.kind }, value: row.at }));
    },
  },
  {
    name: 'fnstack_people_last_sync_rows',
    help: 'What the last successful run of each sync did, by count (fetched, inserted, updated, missing, picked, linked)',
    labelNames: ['kind', 'count'],
    async sample(db) {
      const { rows } = await db.query<{ kind: string; counts: Record<string, unknown> }>(
        `select distinct on (kind) kind, counts from people.sync_runs
          where status = 'succeeded' order by kind, finished_at desc, id desc`,
      );
      return rows.flatMap((row) =>
        Object.entries(row.counts)
          .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
          .map(([count, value]) => ({ labels: { kind: row.kind, count }, value })),
      );
    },
  },
];
