import * as z from 'zod';
import type { Job, JobDetail } from '../../../shared/contract/index.ts';
import type { ScheduleInfo } from './schedules.ts';
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

const jobEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('attempt'),
    attempt: z.number().int(),
    startedAt: z.string(),
    finishedAt: z.string(),
    outcome: z.enum(['succeeded', 'failed', 'dead']),
    error: z.string().optional(),
    retryInMs: z.number().int().optional().describe('The delay before the next attempt'),
  }),
  z.object({ type: z.enum(['retried', 'cancelled']), at: z.string(), by: z.string().describe('Who did it') }),
]);

export const jobDetailSchema = jobSchema.extend({
  timeline: z.array(jobEventSchema).describe('Each attempt and each operator action, oldest first'),
  logLines: z
    .array(
      z.object({
        at: z.string(),
        attempt: z.number().int(),
        level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']),
        msg: z.string(),
        fields: z.string().optional().describe('The fields of the line, as JSON text'),
      }),
    )
    .describe("The lines the job's task logged (the first ones of each attempt)"),
}) satisfies z.ZodType<JobDetail>;

export const jobParams = z.object({ id: z.uuid() });

export const scheduleSchema = z.object({
  name: z.string().describe("The schedule function's id"),
  publishes: z.string().describe('The kind of job each tick triggers'),
  cron: z.string().nullable().describe('UTC; null when switched off'),
  nextRun: z.string().nullable(),
  lastRun: jobSchema.nullable().describe('The newest job it fired'),
}) satisfies z.ZodType<ScheduleInfo>;

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
