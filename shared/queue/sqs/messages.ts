import { createHash } from 'node:crypto';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { parseEnvelope, type Envelope } from '../envelope.ts';
import type { DeadMessage } from '../port.ts';

/** Message attributes the driver writes on a dead letter; `listDead` reads them back. */
export const DEAD_ATTRIBUTES = {
  error: 'error',
  deadAt: 'deadAt',
  originalQueue: 'originalQueue',
} as const;

// Attributes count towards SQS's 256 KiB message limit; a stack trace can be long.
const MAX_ERROR_CHARS = 8_000;

/** SQS's longest DelaySeconds (15 minutes). */
export const MAX_DELAY_SECONDS = 900;

export type Attributes = Record<string, MessageAttributeValue>;

const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });

/**
 * The routing facts as message attributes (like the RabbitMQ driver's headers), so a console
 * or the CLI can show them without parsing the body.
 */
export function envelopeAttributes(envelope: Envelope): Attributes {
  return {
    kind: text(envelope.kind),
    correlationId: text(envelope.correlationId),
    attempt: { DataType: 'Number', StringValue: String(envelope.attempt) },
  };
}

/** Attributes of a dead letter: the envelope's own (if it parsed) plus why, when and from where. */
export function deadLetterAttributes(reason: {
  queue: string;
  error: string;
  envelope?: Envelope | undefined;
}): Attributes {
  return {
    ...(reason.envelope ? envelopeAttributes(reason.envelope) : {}),
    // SQS rejects empty attribute values.
    [DEAD_ATTRIBUTES.error]: text(reason.error.slice(0, MAX_ERROR_CHARS) || 'unknown'),
    [DEAD_ATTRIBUTES.deadAt]: text(new Date().toISOString()),
    [DEAD_ATTRIBUTES.originalQueue]: text(reason.queue),
  };
}

/**
 * Whole seconds for SendMessage's DelaySeconds: the nearest second (rounding up would turn the
 * ±20% jitter around 1 s into 1 or 2 s, so a later retry could wait no longer than an earlier
 * one), at least 1 s for any delay, at most SQS's 15 minutes.
 */
export function delaySecondsFor(delayMs: number): number {
  if (delayMs <= 0) return 0;
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, Math.round(delayMs / 1000)));
}

/** Times SQS has handed this message out, from the ApproximateReceiveCount system attribute. */
export function receiveCount(message: Message): number {
  const count = Number(message.Attributes?.ApproximateReceiveCount ?? '1');
  return Number.isFinite(count) ? count : 1;
}

/**
 * A DLQ message as the port describes it. A body that is not an envelope is listed raw, with
 * the SQS message id as its handle (stable while the message stays in the DLQ). A message
 * the queue's redrive policy moved (a worker kept dying on it) has no `error` attribute.
 */
export function toDeadMessage(message: Message, queue: string): DeadMessage {
  const body = message.Body ?? '';
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  const error =
    attribute(DEAD_ATTRIBUTES.error) ??
    'receive limit exceeded: no worker settled the message in time (crash or requeue loop)';
  const deadAt = attribute(DEAD_ATTRIBUTES.deadAt) ?? '';
  const parsed = parseEnvelope(body);
  if (parsed.ok) return { deadId: parsed.envelope.id, queue, error, deadAt, envelope: parsed.envelope };
  return {
    deadId: message.MessageId ?? createHash('sha256').update(body).digest('hex').slice(0, 32),
    queue,
    error,
    deadAt,
    rawBody: body,
  };
}
