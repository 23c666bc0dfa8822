import * as z from 'zod';
import type { Job } from '../../../shared/contract/index.ts';
import type { DeadMessage, QueueDepth } from '../../../shared/queue/port.ts';

/** Response shapes of the platform routes, for the OpenAPI document. */

/** Every state a job can be in, in the order a job goes through them. */
export const JOB_STATES = [
  'queued',
  'running',
  'retrying',
  'succeeded',
  'failed',
  'dead',
  'cancelled',
] as const;

export const jobSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  status: z.enum(JOB_STATES),
  attempts: z.number().int(),
  payload: z.unknown(),
  result: z.unknown(),
  error: z.string().nullable(),
  correlationId: z.string(),
  triggeredBy: z.uuid().nullable().describe('The user whose request triggered it'),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
}) satisfies z.ZodType<Job>;

export const deadMessageSchema = z.object({
  deadId: z.string().describe('Handle to replay this one message'),
  queue: z.string(),
  error: z.string(),
  deadAt: z.string(),
  envelope: z.record(z.string(), z.unknown()).optional().describe('The message, when its body parsed'),
  rawBody: z.string().optional().describe('The raw body, when it did not parse'),
}) satisfies z.ZodType<Omit<DeadMessage, 'envelope'>>;

export const queueDepthSchema = z.object({
  ready: z.number().int(),
  delayed: z.number().int().describe('Waiting for a retry delay to pass'),
  dead: z.number().int(),
}) satisfies z.ZodType<QueueDepth>;

/** A queue name as it appears in a path: `gradcafe.scrape-new-data`. */
export const queueParams = z.object({ queue: z.string().min(1).max(200) });

export const userSchema = z.object({
  id: z.string().uuid(),
  email: z.string(),
  role: z.enum(['user', 'admin']),
});

/** An OAuth2 bearer token answer. */
export const tokenSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
});
