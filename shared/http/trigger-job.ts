import type { HttpCtx } from '../contract/context.ts';
import type { HttpRequest } from '../contract/http.ts';
import { QueueUnavailableError } from '../errors.ts';
import { accepted } from './job-accepted.ts';
import { redirect } from './responses.ts';

export interface JobTrigger {
  kind: string;
  payload: unknown;
  /** The app's page: where a browser's form post comes back to. */
  page: string;
  /** Flash text for a browser when the job is queued / could not be queued. */
  queued: string;
  unavailable: string;
  /** Where a browser goes once the job is queued (default: the page). */
  pageOf?: (jobId: string) => string;
  /** Added to the API's 202 body (an import id, links). */
  extra?: Record<string, unknown>;
}

/**
 * Queue a job and answer the way the caller wants, the same in every app: an API call gets the
 * platform's `202 { ok, queued, kind, jobId }`, and a broker that is down reaches the error mapper
 * (503); a browser form post gets a 303 back to the page with a flash message either way.
 *
 * @example
 *   handler: (req, ctx) => triggerJob(req, ctx, {
 *     kind: 'recompute_analytics', payload: {}, page: '/gradcafe/',
 *     queued: 'Analysis queued.', unavailable: 'Could not queue the analysis.',
 *   }),
 */
export async function triggerJob(
  req: Pick<HttpRequest<unknown, unknown, unknown>, 'wantsHtml' | 'correlationId'>,
  ctx: Pick<HttpCtx, 'jobs' | 'log'>,
  job: JobTrigger,
): Promise<Response> {
  const { kind } = job;
  try {
    const { jobId } = await ctx.jobs.trigger(kind, job.payload, { correlationId: req.correlationId });
    if (req.wantsHtml) {
      return redirect(job.pageOf?.(jobId) ?? job.page, { flash: { type: 'success', message: job.queued } });
    }
    return accepted({ kind, jobId }, job.extra);
  } catch (err) {
    if (!(err instanceof QueueUnavailableError) || !req.wantsHtml) throw err;
    ctx.log.warn({ err, kind }, 'job not queued: broker unavailable');
    return redirect(job.page, { flash: { type: 'error', message: job.unavailable } });
  }
}
