import * as z from 'zod';
import { json } from './responses.ts';

/**
 * The one answer every app gives an API call that queued a job: `202 { ok, queued, kind, jobId }`,
 * plus what the route adds to follow it (links, an import id). An unavailable broker is not
 * answered here: QueueUnavailableError reaches the platform's error mapper like any error (503).
 */
export const jobAcceptedSchema = z.object({
  ok: z.literal(true),
  queued: z.literal(true),
  kind: z.string(),
  jobId: z.uuid(),
});

export type JobAccepted = z.infer<typeof jobAcceptedSchema>;

/**
 * @example
 *   const { jobId } = await ctx.jobs.trigger('recompute_analytics', {});
 *   return accepted({ kind: 'recompute_analytics', jobId });
 *   return accepted({ kind, jobId }, { links: { job: `/jobs/${jobId}` } });
 */
export function accepted(
  job: { kind: string; jobId: string },
  extra: Record<string, unknown> = {},
): Response {
  const body: JobAccepted = { ok: true, queued: true, kind: job.kind, jobId: job.jobId };
  return json({ ...body, ...extra }, 202);
}

/** The OpenAPI responses of a job trigger (spread into `responses`, `schema` extendable). */
export function jobAcceptedResponses(schema: z.ZodType = jobAcceptedSchema) {
  return {
    202: { description: 'Job queued: follow it at GET /jobs/{jobId}', schema },
    503: { description: 'The job queue is unavailable: nothing was queued, try again later' },
  };
}
