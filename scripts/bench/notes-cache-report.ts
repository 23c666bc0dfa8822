import type { CacheRequests } from './notes-cache-metrics.ts';
import type { NotesCacheResult, NotesCacheSide } from './notes-cache.ts';
import type { Figure } from './report.ts';

/**
 * The (f) section of the bench's report: the cache-on/cache-off ratios as figures, one line of
 * answers, latencies and hit ratios, the problems that void the section, and its method.
 *
 * @example
 *   figures.push(...notesCacheFigures(result));
 *   console.log(notesCacheDetails(result));
 */
export function notesCacheFigures(result: NotesCacheResult): Figure[] {
  const { off, redis, memory } = result;
  return [
    {
      figure: `(f) GET /notes/api/tasks?limit=${result.pageSize}, Redis cache warm [raw: cache off]`,
      unit: 'req/s',
      ours: redis.requestsPerSecond,
      raw: off.requestsPerSecond,
      ratio: ratio(redis.requestsPerSecond, off.requestsPerSecond),
      target: 'info',
      pass: null,
    },
    {
      figure: "(f') same, in-memory cache [raw: cache off]",
      unit: 'req/s',
      ours: memory.requestsPerSecond,
      raw: off.requestsPerSecond,
      ratio: ratio(memory.requestsPerSecond, off.requestsPerSecond),
      target: 'info',
      pass: null,
    },
  ];
}

const ratio = (ours: number, raw: number) => (raw > 0 ? ours / raw : 0);

const LABELS = { off: 'cache off', redis: 'Redis', memory: 'in-memory' } as const;

/** `(f) cache off 41,200 x 200, p50 11 ms, p99 30 ms; Redis ..., hits 100.0% (...)` */
export function notesCacheDetails(result: NotesCacheResult): string {
  const sides = [result.off, result.redis, result.memory].map((side) => {
    const answers = `${LABELS[side.cache]} ${side.ok.toLocaleString('en-US')} x 200, p50 ${side.latencyMs.p50} ms, p99 ${side.latencyMs.p99} ms`;
    return side.cache === 'off' ? answers : `${answers}, ${describeHits(side.server.cacheRequests)}`;
  });
  return `(f) ${sides.join('; ')}.`;
}

function describeHits({ hit, miss, error }: CacheRequests): string {
  const total = hit + miss + error;
  const share = total > 0 ? `${((100 * hit) / total).toFixed(1)}%` : 'n/a';
  return `cache hits ${share} (${hit} hit, ${miss} miss, ${error} error)`;
}

/** Anything but a 200, a failed connection or a cache that did not serve voids the section. */
export function notesCacheProblems(result: NotesCacheResult): string[] {
  return [result.off, result.redis, result.memory].flatMap((side) => sideProblems(side));
}

function sideProblems(side: NotesCacheSide): string[] {
  const label = `(f) ${LABELS[side.cache]}`;
  const problems: string[] = [];
  if (side.ok === 0) problems.push(`${label}: no request answered 200`);
  for (const [phase, load] of [
    ['warm-up', side.warmUp],
    ['timed run', side],
  ] as const) {
    if (load.notOk > 0)
      problems.push(`${label}, ${phase}: ${load.notOk} answers not 200 ${JSON.stringify(load.statusCounts)}`);
    if (load.errors > 0)
      problems.push(`${label}, ${phase}: ${load.errors} connection errors (${load.timeouts} timeouts)`);
  }
  // The server also answered the requests autocannon cut off at the end: those must be 200 too.
  const serverNotOk = Object.entries(side.server.statusCounts).filter(([status]) => status !== '200');
  if (serverNotOk.length > 0)
    problems.push(
      `${label}: the server answered ${JSON.stringify(Object.fromEntries(serverNotOk))} (not 200)`,
    );
  if (side.cache !== 'off') {
    const { hit, error } = side.server.cacheRequests;
    // A failing cache falls back to the database: the side would measure the fallback.
    if (error > 0) problems.push(`${label}: the cache failed ${error} reads (the database answered them)`);
    if (hit === 0) problems.push(`${label}: no cache hit in the timed run`);
  }
  return problems;
}

export function notesCacheMethod(result: NotesCacheResult): string {
  return [
    `(f) GET /notes/api/tasks?limit=${result.pageSize} (one user's ${result.tasks} tasks, bearer token) against a web`,
    `runner built in the bench process as scripts/start.ts builds it (createPlatform + startRunner, role web, pg pool`,
    `of 10, memory queue, LOG_LEVEL=warn) on the bench database, three times with only the cache changed: off`,
    `(CACHE_ENABLED=false: every request runs the listing query), Redis (its keys under a prefix of the run's own,`,
    `deleted with SCAN at the end), and the in-process LRU (info). autocannon (${result.connections} connections,`,
    `${result.durationSeconds} s per side) runs in a worker thread of the bench process after ${result.warmUpRequests}`,
    `warm-up requests, which also fill the cache; hits are cache_requests_total{namespace_group="notes:tasks"} over`,
    `the timed run, and every answer must be a 200. Each request still verifies its JWT and reads its user from`,
    `Postgres (auth) before the handler, and a Redis hit is two GETs (generation, entry), so the ratio is bounded by`,
    `that per-request work: the cache saves the listing query only. Server, load and Postgres share this machine's cores.`,
  ].join(' ');
}
