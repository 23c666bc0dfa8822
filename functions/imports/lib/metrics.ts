import type { AppGauge } from '../../../shared/contract/index.ts';

/** The Imports app's metrics, read from imports.imports at scrape time (Grafana row "Imports"). */
export const gauges: AppGauge[] = [
  {
    name: 'fnstack_imports_last_success_timestamp_seconds',
    help: 'When the last import that loaded finished (Unix time); absent before the first',
    async sample(db) {
      const { rows } = await db.query<{ at: number | null }>(
        `select extract(epoch from max(finished_at))::float8 as at from imports.imports where status = 'loaded'`,
      );
      return rows[0]?.at == null ? [] : [{ value: rows[0].at }];
    },
  },
  {
    name: 'fnstack_imports_last_rows',
    help: 'Rows of the last import that loaded, by outcome (loaded, failed, stale)',
    labelNames: ['outcome'],
    async sample(db) {
      const { rows } = await db.query<{ loaded: number; failed: number; stale: number }>(
        `select rows_loaded as loaded, rows_failed as failed, rows_stale as stale from imports.imports
          where status = 'loaded' order by finished_at desc, id desc limit 1`,
      );
      const last = rows[0];
      if (!last) return [];
      return (['loaded', 'failed', 'stale'] as const).map((outcome) => ({
        labels: { outcome },
        value: last[outcome],
      }));
    },
  },
  {
    name: 'fnstack_imports_last_duration_seconds',
    help: 'How long the last import that loaded took, from start to finish',
    async sample(db) {
      const { rows } = await db.query<{ seconds: number }>(
        `select extract(epoch from finished_at - started_at)::float8 as seconds from imports.imports
          where status = 'loaded' order by finished_at desc, id desc limit 1`,
      );
      return rows[0] ? [{ value: rows[0].seconds }] : [];
    },
  },
  {
    name: 'fnstack_imports_rows_total',
    help: 'Rows of every import so far, by outcome (loaded, failed, stale)',
    labelNames: ['outcome'],
    async sample(db) {
      const { rows } = await db.query<{ loaded: number; failed: number; stale: number }>(
        `select coalesce(sum(rows_loaded), 0)::float8 as loaded, coalesce(sum(rows_failed), 0)::float8 as failed,
                coalesce(sum(rows_stale), 0)::float8 as stale
           from imports.imports where status = 'loaded'`,
      );
      const totals = rows[0]!;
      return (['loaded', 'failed', 'stale'] as const).map((outcome) => ({
        labels: { outcome },
        value: totals[outcome],
      }));
    },
  },
  {
    name: 'fnstack_imports',
    help: 'Imports by status (queued, running, loaded, failed, duplicate)',
    labelNames: ['status'],
    async sample(db) {
      const { rows } = await db.query<{ status: string; n: number }>(
        `select status, count(*)::int as n from imports.imports group by status`,
      );
      return rows.map((row) => ({ labels: { status: row.status }, value: row.n }));
    },
  },
];
