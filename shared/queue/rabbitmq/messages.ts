import type { Message, Options } from 'amqplib';
import { serializeEnvelope, type Envelope } from '../envelope.ts';

/** Headers the driver writes on a dead-lettered message; `listDead` reads them back. */
export const DEAD_HEADERS = {
  error: 'x-error',
  deadAt: 'x-dead-at',
  originalQueue: 'x-original-queue',
} as const;

// A header table must fit amqplib's 64 KiB encoding buffer; a stack trace can be longer.
const MAX_ERROR_CHARS = 8_000;

export function encodeEnvelope(envelope: Envelope): Buffer {
  return Buffer.from(serializeEnvelope(envelope));
}

/**
 * AMQP properties of an envelope: persistent (survives a broker restart), JSON, the
 * envelope id as `messageId`, and the routing facts as headers so they can be read in the
 * management UI or by `rabbitmqadmin get` without parsing the body.
 */
export function envelopeProperties(envelope: Envelope): Options.Publish {
  return {
    persistent: true,
    contentType: 'application/json',
    messageId: envelope.id,
    type: envelope.kind,
    headers: { kind: envelope.kind, correlationId: envelope.correlationId, attempt: envelope.attempt },
  };
}

/**
 * Properties of a message moved to a dead-letter queue by the consumer. Without an
 * envelope (the body did not parse) the original message id and content type are kept.
 */
export function deadLetterProperties(
  original: Message,
  reason: { queue: string; error: string; envelope?: Envelope | undefined },
): Options.Publish {
  const base: Options.Publish = reason.envelope
    ? envelopeProperties(reason.envelope)
    : {
        persistent: true,
        ...(original.properties.messageId ? { messageId: String(original.properties.messageId) } : {}),
        ...(original.properties.contentType ? { contentType: String(original.properties.contentType) } : {}),
        headers: {},
      };
  return {
    ...base,
    headers: {
      ...base.headers,
      [DEAD_HEADERS.error]: reason.error.slice(0, MAX_ERROR_CHARS),
      [DEAD_HEADERS.deadAt]: new Date().toISOString(),
      [DEAD_HEADERS.originalQueue]: reason.queue,
    },
  };
}

/** Why and when the broker itself dead-lettered a message (the delivery-limit backstop). */
export function brokerDeath(
  headers: Record<string, unknown> | undefined,
): { reason: string; at?: string } | null {
  const deaths = headers?.['x-death'];
  if (!Array.isArray(deaths) || deaths.length === 0) return null;
  // x-death is ordered most recent first.
  const latest = deaths[0] as { reason?: unknown; time?: unknown };
  const reason = typeof latest.reason === 'string' ? latest.reason : 'unknown';
  // amqplib decodes the AMQP timestamp as seconds since the epoch.
  const at = typeof latest.time === 'number' ? new Date(latest.time * 1000).toISOString() : undefined;
  return at ? { reason, at } : { reason };
}
