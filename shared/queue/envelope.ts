import { randomUUID } from 'node:crypto';
import secureJson from 'secure-json-parse';
import * as z from 'zod';
import { MessageTooLargeError } from '../errors.ts';
import { currentTraceparent } from '../observability/tracing.ts';
import { describeIssues } from '../validation.ts';

/**
 * What travels on every broker. `id` stays the same across retries and replays, so the
 * inbox can tell a redelivery from a new message.
 */
export const envelopeSchema = z.object({
  id: z.string().uuid(),
  kind: z.string().min(1).max(200),
  payload: z.unknown(),
  correlationId: z.string().min(1).max(200),
  publishedAt: z.string().datetime({ offset: true }),
  attempt: z.number().int().min(1),
  jobId: z.string().uuid().optional(),
  /** The W3C trace context of whatever published it, when tracing is on (shared/observability/tracing.ts). */
  traceparent: z.string().max(100).optional(),
});

export type Envelope = z.infer<typeof envelopeSchema>;

export interface NewMessage {
  kind: string;
  payload: unknown;
  correlationId?: string;
  jobId?: string;
  /** A chosen message id (the same id twice is one message to the inbox); default: a new uuid. */
  id?: string;
}

export function createEnvelope(message: NewMessage): Envelope {
  const id = message.id ?? randomUUID();
  const traceparent = currentTraceparent();
  return {
    id,
    kind: message.kind,
    payload: message.payload ?? {},
    correlationId: message.correlationId ?? id,
    publishedAt: new Date().toISOString(),
    attempt: 1,
    ...(message.jobId ? { jobId: message.jobId } : {}),
    ...(traceparent ? { traceparent } : {}),
  };
}

/**
 * The largest message any driver carries: SQS's limit, so that a message that works on one
 * broker works on all of them. A bigger body is dead-lettered unread.
 */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * An envelope as every driver (and the outbox) sends it: JSON text. Refuses, with
 * MessageTooLargeError (413 on a route), one that would be dead-lettered on arrival, or that SQS
 * would refuse: better the caller hears it now than a relay retries it forever.
 */
export function serializeEnvelope(envelope: Envelope): string {
  const text = JSON.stringify(envelope);
  // A UTF-16 code unit is at most 3 UTF-8 bytes: most messages are clearly small enough.
  if (text.length * 3 > MAX_MESSAGE_BYTES && Buffer.byteLength(text) > MAX_MESSAGE_BYTES) {
    throw new MessageTooLargeError(
      `message '${envelope.kind}' is ${Buffer.byteLength(text)} bytes; the limit is ${MAX_MESSAGE_BYTES}`,
    );
  }
  return text;
}

export type ParsedBody = { ok: true; envelope: Envelope } | { ok: false; reason: string };

/**
 * Parse raw bytes from a broker into an envelope, or say why it is not one. Never throws.
 * A body with `__proto__` or `constructor.prototype` keys is refused (not stripped): whoever
 * sent it meant harm or has a bug, and either way an operator should see it in the DLQ.
 */
export function parseEnvelope(body: Buffer | string): ParsedBody {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (bytes > MAX_MESSAGE_BYTES) {
    return { ok: false, reason: `message too large: ${bytes} bytes (the limit is ${MAX_MESSAGE_BYTES})` };
  }
  let json: unknown;
  try {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    json = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    return { ok: false, reason: `malformed body: ${(err as Error).message}` };
  }
  const result = envelopeSchema.safeParse(json);
  if (!result.success) {
    return { ok: false, reason: `invalid envelope: ${describeIssues(result.error)}` };
  }
  return { ok: true, envelope: result.data };
}
