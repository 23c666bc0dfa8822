import type { Channel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { Outcome, QueueSpec } from '../port.ts';
import { settle } from './channels.ts';
import { deadLetterProperties, encodeEnvelope, envelopeProperties } from './messages.ts';
import { retryTierFor, type TopologyNames } from './names.ts';
import type { ConfirmPublisher } from './publisher.ts';

export interface OutcomeTarget {
  channel: Channel;
  message: ConsumeMessage;
  spec: QueueSpec;
  names: TopologyNames;
  publisher: ConfirmPublisher;
  log: Logger;
}

/**
 * Turn the core's decision into broker mechanics. A retry or dead letter is a NEW message,
 * confirmed by the broker before the original is acked: if anything fails in between, the
 * original is redelivered rather than lost (at worst the copy exists twice, and the inbox
 * makes a second run a no-op). Throws when the copy could not be published; the caller then
 * requeues the original.
 */
export async function applyOutcome(target: OutcomeTarget, outcome: Outcome): Promise<void> {
  const { channel, message, spec, names, publisher, log } = target;
  switch (outcome.type) {
    case 'ack':
      break;
    case 'retry':
      await publisher.publish({
        exchange: '',
        routingKey: names.retry(spec.name, retryTierFor(spec, outcome.envelope.attempt)),
        content: encodeEnvelope(outcome.envelope),
        options: {
          ...envelopeProperties(outcome.envelope),
          // The holding queue has no consumer: the message waits out its TTL there and is
          // then dead-lettered by the broker back into this function's own queue.
          expiration: String(Math.max(0, Math.round(outcome.delayMs))),
          mandatory: true,
        },
      });
      break;
    case 'dead':
      await publisher.publish({
        exchange: '',
        routingKey: names.dlq(spec.name),
        // A malformed message keeps its raw bytes, so it can be inspected as it arrived.
        content: outcome.envelope ? encodeEnvelope(outcome.envelope) : message.content,
        options: {
          ...deadLetterProperties(message, {
            queue: spec.name,
            error: outcome.error,
            envelope: outcome.envelope,
          }),
          mandatory: true,
        },
      });
      break;
  }
  settle(channel, message, 'ack', log);
}
