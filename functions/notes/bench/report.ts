import type { NotesCacheResult, NotesCacheSide } from './section.ts';
import { versus, type SectionReport } from '../../../scripts/bench/section.ts';

/** The cache-on/cache-off ratios; a line of answers, latencies and hit ratios; what voids the section. */
export function notesCacheReport(result: NotesCacheResult): SectionReport {
  const { off, redis, memory, pageSize } = result;
  const sides = [off, redis, memory];
  return {
    figures: [
      versus(
        `GET /notes/api/tasks?limit=${pageSize}, Redis cache warm [raw: cache off]`,
        'req/s',
        redis.requestsPerSecond,
        off.requestsPerSecond,
      ),
      versus(
        'same, in-memory cache [raw: cache off]',
        'req/s',
        memory.requestsPerSecond,
        off.requestsPerSecond,
      ),
    ],
    details: [`${sides.map(describeSide).join('; ')}.`],
    problems: sides.flatMap(sideProblems),
  };
}

const LABELS = { off: 'cache off', redis: 'Redis', memory: 'in-memory' } as const;

/** `cache off 41,200 x 200, p50 11 ms, p99 30 ms` and, with a cache, its hits. */
function describeSide(side: NotesCacheSide): string {
  const answers = `${LABELS[side.cache]} ${side.ok.toLocaleString('en-US')} x 200, p50 ${side.latencyMs.p50} ms, p99 ${side.latencyMs.p99} ms`;
  if (side.cache === 'off') return answers;
  const { hit, miss, error } = side.server.cacheRequests;
  const total = hit + miss + error;
  const share = total > 0 ? `${((100 * hit) / total).toFixed(1)}%` : 'n/a';
  return `${answers}, cache hits ${share} (${hit} hit, ${miss} miss, ${error} error)`;
}

/** Anything but a 200, a failed connection or a cache that did not serve voids the section. */
function sideProblems(side: NotesCacheSide): string[] {
  const label = LABELS[side.cache];
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
