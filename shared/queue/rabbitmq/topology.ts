import type { Channel } from 'amqplib';
import { NotFoundError } from '../../errors.ts';
import type { QueueSpec } from '../port.ts';
import { retryTierCount, type TopologyNames } from './names.ts';

/**
 * Deliveries of one message before the broker itself dead-letters it. The consumer core
 * normally decides retries and dead-lettering; this only catches a poison message that
 * kills the worker process before it can decide anything, every time.
 */
export const DELIVERY_LIMIT = 20;

export async function declareExchange(channel: Channel, names: TopologyNames): Promise<void> {
  await channel.assertExchange(names.exchange, 'direct', { durable: true });
}

/**
 * Declare one function's queues. Idempotent: asserting a queue with the same arguments is a
 * no-op for the broker; different arguments fail with 406 (TopologyConflictError).
 *
 *   tasks (direct) --kind--> <name> (quorum) --delivery limit--> <name>.dlq (quorum)
 *   <name>.retry.N (classic, per-message TTL) --expired, via ''--> <name>
 *
 * Retry queues dead-letter through the default exchange straight to `<name>`, so a retried
 * message returns only to the function that failed, not to every queue bound to its kind.
 */
export async function declareQueueSpec(
  channel: Channel,
  names: TopologyNames,
  spec: QueueSpec,
): Promise<void> {
  const main = names.main(spec.name);
  const dlq = names.dlq(spec.name);
  await declareExchange(channel, names);
  await channel.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  for (let tier = 1; tier <= retryTierCount(spec); tier++) {
    await channel.assertQueue(names.retry(spec.name, tier), {
      durable: true,
      arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': main },
    });
  }
  await channel.assertQueue(main, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': DELIVERY_LIMIT,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': dlq,
    },
  });
  // Bindings only grow: a kind dropped from a function stays bound until removed by hand.
  for (const kind of spec.kinds) await channel.bindQueue(main, names.exchange, kind);
}

/** The specs declared so far, by queue name; after a reconnect every one is declared again. */
export interface TopologyRegistry {
  remember(spec: QueueSpec): void;
  has(queue: string): boolean;
  /** Throws NotFoundError for a queue this driver never declared. */
  get(queue: string): QueueSpec;
  all(): QueueSpec[];
}

export function createTopologyRegistry(): TopologyRegistry {
  const specs = new Map<string, QueueSpec>();
  return {
    remember: (spec) => void specs.set(spec.name, spec),
    has: (queue) => specs.has(queue),
    get(queue) {
      const spec = specs.get(queue);
      if (!spec) throw new NotFoundError(`Queue '${queue}' was not declared by this driver`);
      return spec;
    },
    all: () => [...specs.values()],
  };
}
