import * as z from 'zod';

/** OpenAPI response shapes of the job-trigger routes. */
export const jobAcceptedSchema = z.object({
  ok: z.literal(true),
  queued: z.literal(true),
  kind: z.string(),
  jobId: z.string().uuid(),
});

export const jobRejectedSchema = z.object({
  ok: z.literal(false),
  queued: z.literal(false),
  kind: z.string(),
  error: z.object({ code: z.string(), message: z.string() }),
});

export const jobAcceptedResponses = {
  202: { description: 'Job queued', schema: jobAcceptedSchema },
  303: { description: 'Browser form post: back to the page with a flash message' },
  503: { description: 'The job queue is unavailable', schema: jobRejectedSchema },
};
