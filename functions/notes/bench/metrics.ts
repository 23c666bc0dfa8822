import type { Metrics } from '../../../shared/observability/metrics.ts';
import { waitUntil } from '../../../scripts/bench/helpers.ts';

/** What the platform's own metrics registry says about one route and its cache namespace. */
export interface ServerView {
  /** Answers the server recorded for the route (`http_request_duration_seconds_count`), by status. */
  statusCounts: Record<string, number>;
  cacheRequests: CacheRequests;
}

export interface CacheRequests {
  hit: number;
  miss: number;
  /** The cache failed and the database answered: a side with these did not measure the cache. */
  error: number;
}

/**
 * Read the counters now; `difference` of two reads is what happened in between.
 *
 * @example
 *   const before = await serverView(platform.metrics, scope);
 *   // ... load ...
 *   const during = difference(await serverView(platform.metrics, scope), before);
 */
export async function serverView(
  metrics: Metrics,
  scope: { route: string; namespaceGroup: string },
): Promise<ServerView> {
  const statusCounts: Record<string, number> = {};
  for (const { metricName, labels, value } of (await metrics.httpDuration.get()).values) {
    if (metricName !== 'http_request_duration_seconds_count' || labels.route !== scope.route) continue;
    const status = String(labels.status);
    statusCounts[status] = (statusCounts[status] ?? 0) + value;
  }
  const cacheRequests: CacheRequests = { hit: 0, miss: 0, error: 0 };
  for (const { labels, value } of (await metrics.cacheRequests.get()).values) {
    if (labels.namespace_group === scope.namespaceGroup && labels.result !== undefined) {
      cacheRequests[labels.result as keyof CacheRequests] += value;
    }
  }
  return { statusCounts, cacheRequests };
}

export function difference(after: ServerView, before: ServerView): ServerView {
  const statusCounts = Object.fromEntries(
    Object.entries(after.statusCounts)
      .map(([status, n]) => [status, n - (before.statusCounts[status] ?? 0)] as const)
      .filter(([, n]) => n > 0),
  );
  const cache = (result: keyof CacheRequests) => after.cacheRequests[result] - before.cacheRequests[result];
  return { statusCounts, cacheRequests: { hit: cache('hit'), miss: cache('miss'), error: cache('error') } };
}

export const answered = (view: ServerView) => Object.values(view.statusCounts).reduce((sum, n) => sum + n, 0);

/**
 * Wait until the server has answered `count` requests on the route since `before`. autocannon
 * stops its clock with requests still in flight; the runner must finish them before it stops,
 * or they would fail against a closed pool after the figure was taken.
 */
export async function untilAnswered(
  metrics: Metrics,
  scope: { route: string; namespaceGroup: string },
  before: ServerView,
  count: number,
): Promise<ServerView> {
  let view = before;
  await waitUntil(
    async () => {
      view = difference(await serverView(metrics, scope), before);
      return answered(view) >= count;
    },
    { timeoutMs: 30_000, intervalMs: 50, what: `the server to answer all ${count} requests sent` },
  );
  return view;
}
