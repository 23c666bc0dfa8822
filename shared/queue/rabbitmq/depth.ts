import type { Channel } from 'amqplib';
import type { QueueDepth, QueueSpec } from '../port.ts';
import { retryTierCount, type TopologyNames } from './names.ts';

/**
 * Ready messages of one function: its queue, every retry tier (`delayed`) and its DLQ.
 * `checkQueue` reports ready messages only; unacked deliveries in progress are not counted.
 */
export async function queueDepth(
  channel: Channel,
  names: TopologyNames,
  spec: QueueSpec,
): Promise<QueueDepth> {
  const count = async (queue: string) => (await channel.checkQueue(queue)).messageCount;
  let delayed = 0;
  for (let tier = 1; tier <= retryTierCount(spec); tier++)
    delayed += await count(names.retry(spec.name, tier));
  return { ready: await count(names.main(spec.name)), delayed, dead: await count(names.dlq(spec.name)) };
}
