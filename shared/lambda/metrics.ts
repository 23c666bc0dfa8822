import type { Metrics } from '../observability/metrics.ts';

const ignore = () => undefined;
const noopMetric = {
  inc: ignore,
  dec: ignore,
  observe: ignore,
  set: ignore,
  reset: ignore,
  labels: () => noopMetric,
};

/**
 * Metrics on Lambda: accepted and dropped. Nobody scrapes a registry that lives in one frozen
 * container (CloudWatch already counts invocations, errors and durations per function), and
 * prom-client would cost ~20 ms of every cold start. Every metric name answers, including ones
 * an app defines later, so code using `ctx.metrics` runs unchanged.
 */
export const lambdaMetrics = new Proxy({} as Metrics, { get: () => noopMetric });
