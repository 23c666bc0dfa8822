import { Gauge, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { Queryable } from '../db/port.ts';

/**
 * An app's own metric, read from its tables when Prometheus scrapes /metrics (as the platform's
 * job counts are), so it is the same whichever process answers and survives restarts. Apps export
 * `gauges: AppGauge[]` from `functions/<app>/lib/metrics.ts`; names follow `fnstack_<app>_<thing>_<unit>`.
 *
 * @example
 *   export const gauges: AppGauge[] = [{
 *     name: 'fnstack_imports_running', help: 'Imports running now',
 *     sample: async (db) => [{ value: (await db.query('select count(*)::int as n ...')).rows[0].n }],
 *   }];
 */
export interface AppGauge {
  name: string;
  help: string;
  labelNames?: readonly string[];
  sample(db: Queryable): Promise<{ labels?: Record<string, string>; value: number }[]>;
}

/** Register the gauges; the returned function samples them all (before each scrape). */
export function registerAppGauges(
  registry: Registry,
  gauges: readonly AppGauge[],
  log: Pick<Logger, 'warn'>,
): (db: Queryable) => Promise<void> {
  const registered = gauges.map((gauge) => ({
    gauge,
    metric: new Gauge({
      name: gauge.name,
      help: gauge.help,
      labelNames: [...(gauge.labelNames ?? [])],
      registers: [registry],
    }),
  }));
  return async (db) => {
    await Promise.all(
      registered.map(async ({ gauge, metric }) => {
        try {
          const samples = await gauge.sample(db);
          metric.reset();
          for (const { labels, value } of samples) {
            if (labels) metric.set(labels, value);
            else metric.set(value);
          }
        } catch (err) {
          log.warn({ err, metric: gauge.name }, 'could not sample an app metric for /metrics');
        }
      }),
    );
  };
}
