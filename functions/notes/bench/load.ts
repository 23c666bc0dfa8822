import autocannon from 'autocannon';
import type { Metrics } from '../../../shared/observability/metrics.ts';
import { waitUntil } from '../../../scripts/bench/helpers.ts';

/** What a burst of authenticated GETs got back; only a 200 counts as answered. */
export type HttpLoad = Awaited<ReturnType<typeof fireRequests>>;

/**
 * GET `url` with a bearer token from `connections` keep-alive connections, for a time or a number
 * of requests. autocannon runs in a worker thread: the server under test lives in the bench's main
 * thread, and a load generator on the same event loop would take its turns there.
 */
export async function fireRequests(
  url: string,
  token: string,
  options: { connections: number } & ({ durationSeconds: number } | { amount: number }),
) {
  const result = await autocannon({
    url,
    method: 'GET',
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    connections: options.connections,
    workers: 1,
    ...('amount' in options ? { amount: options.amount } : { duration: options.durationSeconds }),
  });
  const statusCounts = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0]),
  );
  const ok = statusCounts['200'] ?? 0;
  return {
    requestsPerSecond: ok / result.duration,
    // Written, answered or not: autocannon stops with some still in flight.
    sent: result.requests.sent,
    ok,
    notOk: Object.values(statusCounts).reduce((sum, count) => sum + count, 0) - ok,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
  };
}

/** What the platform's own metrics say about one route and its cache namespace. */
export interface ServerView {
  /** Answers the server recorded for the route (`http_request_duration_seconds_count`), by status. */
  statusCounts: Record<string, number>;
  /** `error`: the cache failed and the database answered; a side with these did not measure the cache. */
  cacheRequests: { hit: number; miss: number; error: number };
}

type Scope = { route: string; namespaceGroup: string };

/** The counters now; with `since`, what happened after that earlier read. */
export async function serverView(metrics: Metrics, scope: Scope, since?: ServerView): Promise<ServerView> {
  const statusCounts: Record<string, number> = {};
  for (const { metricName, labels, value } of (await metrics.httpDuration.get()).values) {
    if (metricName !== 'http_request_duration_seconds_count' || labels.route !== scope.route) continue;
    const status = String(labels.status);
    statusCounts[status] = (statusCounts[status] ?? 0) + value - (since?.statusCounts[status] ?? 0);
  }
  const cacheRequests = { hit: 0, miss: 0, error: 0 };
  for (const { labels, value } of (await metrics.cacheRequests.get()).values) {
    const result = labels.result as keyof ServerView['cacheRequests'] | undefined;
    if (labels.namespace_group === scope.namespaceGroup && result !== undefined)
      cacheRequests[result] += value;
  }
  if (since)
    for (const result of ['hit', 'miss', 'error'] as const)
      cacheRequests[result] -= since.cacheRequests[result];
  return {
    statusCounts: Object.fromEntries(Object.entries(statusCounts).filter(([, n]) => n > 0)),
    cacheRequests,
  };
}

/**
 * Wait until the server has answered `count` requests on the route since `before`. autocannon
 * stops its clock with requests still in flight; the runner must finish them before it stops, or
 * they would fail against a closed pool after the figure was taken.
 */
export async function untilAnswered(
  metrics: Metrics,
  scope: Scope,
  before: ServerView,
  count: number,
): Promise<ServerView> {
  let view = before;
  await waitUntil(
    async () => {
      view = await serverView(metrics, scope, before);
      return Object.values(view.statusCounts).reduce((sum, n) => sum + n, 0) >= count;
    },
    { timeoutMs: 30_000, intervalMs: 50, what: `the server to answer all ${count} requests sent` },
  );
  return view;
}
