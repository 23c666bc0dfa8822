import autocannon from 'autocannon';

/** What a burst of authenticated GETs got back. Only a 200 counts as answered. */
export interface HttpLoad {
  /** 200 answers per second of the run. */
  requestsPerSecond: number;
  /** Requests written, answered or not: autocannon stops with some still in flight. */
  sent: number;
  ok: number;
  /** Answers with any other status. */
  notOk: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  latencyMs: { p50: number; p99: number };
}

/**
 * GET `url` with a bearer token from `connections` keep-alive connections, for a time or a
 * number of requests. autocannon runs in a worker thread: the server under test lives in the
 * bench's main thread, and a load generator on the same event loop would take its turns there.
 *
 * @example
 *   const load = await fireRequests(`${runner.url}/notes/api/tasks`, token, { connections: 50, durationSeconds: 10 });
 *   load.requestsPerSecond;
 */
export async function fireRequests(
  url: string,
  token: string,
  options: { connections: number } & ({ durationSeconds: number } | { amount: number }),
): Promise<HttpLoad> {
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
  const answered = Object.values(statusCounts).reduce((sum, count) => sum + count, 0);
  return {
    requestsPerSecond: ok / result.duration,
    sent: result.requests.sent,
    ok,
    notOk: answered - ok,
    statusCounts,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
  };
}
