import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The platform's Prometheus metrics, one registry per process (tests make their own).
 * Names follow Prometheus conventions: `_total` counters, `_seconds` histograms.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    published: new Counter({
      name: 'queue_messages_published_total',
      help: 'Messages published, by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    processed: new Counter({
      name: 'queue_messages_processed_total',
      help: 'Messages handled successfully (including redeliveries skipped by the inbox), by kind',
      labelNames: ['kind', 'queue'] as const,
      registers,
    }),
    failed: new Counter({
      name: 'queue_messages_failed_total',
      help: 'Handler attempts that failed and were scheduled for retry, by kind',
      labelNames: ['kind', 'queue'] as const,
      registers,
    }),
    deadLettered: new Counter({
      name: 'queue_messages_dead_lettered_total',
      help: 'Messages moved to a dead-letter queue, by kind (`unknown` when the body did not parse)',
      labelNames: ['kind', 'queue'] as const,
      registers,
    }),
    handlerDuration: new Histogram({
      name: 'task_handler_duration_seconds',
      help: 'Task handler duration by function and outcome',
      labelNames: ['function', 'outcome'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
      registers,
    }),
    queueDepth: new Gauge({
      name: 'queue_depth',
      help: 'Messages waiting in a queue, by state (ready, delayed, dead); sampled at scrape time',
      labelNames: ['queue', 'state'] as const,
      registers,
    }),
    jobs: new Gauge({
      name: 'jobs',
      help: 'Jobs by kind and status; sampled at scrape time',
      labelNames: ['kind', 'status'] as const,
      registers,
    }),
    // namespace_group is the namespace's first two segments (`notes:tasks`), never an owner id,
    // so the label's cardinality stays bounded.
    cacheRequests: new Counter({
      name: 'cache_requests_total',
      help: 'Cache reads by namespace group and result: hit, miss (the source was loaded) or error (the cache failed; the source answered)',
      labelNames: ['namespace_group', 'result'] as const,
      registers,
    }),
    outboxPending: new Gauge({
      name: 'outbox_pending',
      help: 'Messages committed to the outbox and not yet confirmed by the broker; sampled at scrape time',
      registers,
    }),
    outboxLag: new Gauge({
      name: 'outbox_lag_seconds',
      help: 'Age of the oldest message waiting in the outbox (0 when none); sampled at scrape time',
      registers,
    }),
    outboxPublishFailures: new Counter({
      name: 'outbox_publish_failures_total',
      help: 'Publishes from the outbox the broker refused or did not confirm (the message stays pending), by kind',
      labelNames: ['kind'] as const,
      registers,
    }),
    providerRequests: new Counter({
      name: 'provider_requests_total',
      help: "Calls to providers' APIs by outcome: ok, retried (one per retry) or failed (after the last try)",
      labelNames: ['provider', 'outcome'] as const,
      registers,
    }),
    cacheInvalidationFailures: new Counter({
      name: 'cache_invalidation_failures_total',
      help: 'Invalidations the cache backend refused; entries may be stale until retried or expired',
      labelNames: ['namespace_group'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
