import type { AppGauge } from '../../../shared/contract/index.ts';

/**
 * The gallery's metrics, read from its tables at scrape time (Grafana row "Catalog"). Beside the
 * admin service's, they show the replica's lag: shown products against the admin's, likes recorded
 * here against those counted there.
 */
export const gauges: AppGauge[] = [
  {
    name: 'fnstack_catalog_products',
    help: 'Products in the gallery replica by state: shown, or deleted (tombstones)',
    labelNames: ['state'],
    async sample(db) {
      const { rows } = await db.query<{ shown: number; deleted: number }>(
        `select count(*) filter (where not deleted)::float8 as shown, count(*) filter (where deleted)::float8 as deleted
           from catalog.products`,
      );
      return (['shown', 'deleted'] as const).map((state) => ({ labels: { state }, value: rows[0]![state] }));
    },
  },
  {
    name: 'fnstack_catalog_likes',
    help: 'Likes recorded by the gallery (one per user and product)',
    labelNames: [],
    async sample(db) {
      const { rows } = await db.query<{ n: number }>(`select count(*)::float8 as n from catalog.likes`);
      return [{ labels: {}, value: rows[0]!.n }];
    },
  },
];
