import type { QueueSpec } from '../port.ts';

/**
 * Broker names for one deployment. Everything lives under `prefix`, so several deployments
 * (or test files) can share one broker without seeing each other's messages.
 *
 * @example
 *   const names = topologyNames('t1.');
 *   names.exchange; // 't1.tasks'
 *   names.retry('catalog.index', 2); // 't1.catalog.index.retry.2'
 */
export interface TopologyNames {
  readonly prefix: string;
  /** The durable direct exchange every envelope is published to, routed by kind. */
  readonly exchange: string;
  /** The quorum queue a task function consumes. */
  main(queue: string): string;
  /** Where messages go after the last attempt (or when they cannot be parsed). */
  dlq(queue: string): string;
  /** Holding queue for retries of one tier; its messages expire back into `main(queue)`. */
  retry(queue: string, tier: number): string;
}

export function topologyNames(prefix = ''): TopologyNames {
  return {
    prefix,
    exchange: `${prefix}tasks`,
    main: (queue) => `${prefix}${queue}`,
    dlq: (queue) => `${prefix}${queue}.dlq`,
    retry: (queue, tier) => `${prefix}${queue}.retry.${tier}`,
  };
}

/**
 * One holding queue per retry (attempts - 1 of them, at least one). Per-message TTL only
 * expires at the head of a queue, so a long delay would hold up a short one queued behind
 * it; a tier per attempt keeps the delays inside one queue close to each other.
 */
export function retryTierCount(spec: QueueSpec): number {
  return Math.max(1, spec.retry.attempts - 1);
}

/** Tier for a message about to make `nextAttempt` (2 for the first retry), clamped to the declared tiers. */
export function retryTierFor(spec: QueueSpec, nextAttempt: number): number {
  return Math.min(retryTierCount(spec), Math.max(1, nextAttempt - 1));
}
