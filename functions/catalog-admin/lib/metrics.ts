import type { AppGauge } from '../../../shared/contract/index.ts';

/** The admin service's metrics, read from its tables at scrape time (Grafana row "Catalog"). */
export const gauges: AppGauge[] = [
  {
    name: 'fnstack_catalog_admin_products',
    help: 'Products in the admin service (the source of truth the gallery replicates)',
    labelNames: [],
    async sample(db) {
      const { rows } = await db.query<{ n: number }>(
        `select count(*)::float8 as n from catalog_admin.products`,
      );
      return [{ labels: {}, value: rows[0]!.n }];
    },
  },
  {
    name: 'fnstack_catalog_admin_likes_counted',
    help: 'Likes counted from the gallery, one per like id (products deleted since included)',
    labelNames: [],
    async sample(db) {
      const { rows } = await db.query<{ n: number }>(
        `select count(*)::float8 as n from catalog_admin.counted_likes`,
      );
      return [{ labels: {}, value: rows[0]!.n }];
    },
  },
];
