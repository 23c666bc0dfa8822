import type { PublishOptions, Publisher } from '../contract/context.ts';
import type { Metrics } from '../observability/metrics.ts';
import { writeToOutbox } from '../outbox/index.ts';
import { createEnvelope } from '../queue/envelope.ts';
import type { Tx } from '../db/port.ts';
import type { QueueDriver } from '../queue/port.ts';
import { uuidFromName } from './uuid-from-name.ts';

/**
 * `ctx.queue`: wraps a driver's publish in an envelope, counting what was published. With a `tx`
 * (the call's, or the default one: a task's transaction), the message goes to the outbox instead.
 */
export function createPublisher(
  driver: QueueDriver,
  metrics: Metrics,
  defaults: { correlationId?: string; tx?: Tx } = {},
): Publisher {
  return {
    async publish(kind, payload, options = {}) {
      const envelope = envelopeFor(kind, payload, options, defaults.correlationId);
      const tx = options.tx ?? defaults.tx;
      if (tx) {
        // Counted as published by the relay, once the broker has it.
        await writeToOutbox(tx, envelope);
        return { messageId: envelope.id };
      }
      await driver.publish(envelope);
      metrics.published.inc({ kind });
      return { messageId: envelope.id };
    },
  };
}

/**
 * A publisher for what runs before a queue driver exists (the apps' seeds): messages can only be
 * written to the outbox, in the caller's transaction (`tx` is required); the relay sends them once
 * the system runs.
 */
export const outboxOnlyPublisher: Publisher = {
  async publish(kind, payload, options = {}) {
    if (!options.tx) throw new TypeError(`publish ${kind}: only the outbox is available here; pass { tx }`);
    const envelope = envelopeFor(kind, payload, options);
    await writeToOutbox(options.tx, envelope);
    return { messageId: envelope.id };
  },
};

function envelopeFor(kind: string, payload: unknown, options: PublishOptions, defaultCorrelationId?: string) {
  const correlationId = options.correlationId ?? defaultCorrelationId;
  return createEnvelope({
    kind,
    payload,
    ...(correlationId ? { correlationId } : {}),
    ...(options.jobId ? { jobId: options.jobId } : {}),
    ...(options.idempotencyKey !== undefined ? { id: messageIdFor(kind, options.idempotencyKey) } : {}),
  });
}

/**
 * The message id of an idempotent publish: derived from the kind and the key, so the same
 * announcement gets the same id however often it is published.
 *
 * @example
 *   messageIdFor('notes_report_finished', message.id) === messageIdFor('notes_report_finished', message.id); // true
 */
export function messageIdFor(kind: string, idempotencyKey: string): string {
  return uuidFromName(`${kind}:${idempotencyKey}`);
}
