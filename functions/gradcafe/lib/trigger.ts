import { accepted, redirect, type HttpCtx, type HttpRequest } from '../../../shared/contract/index.ts';
import { QueueUnavailableError } from '../../../shared/errors.ts';
import gradcafe from '../app.ts';

/** Where the app's page is mounted; form posts come back here. */
export const PAGE_PATH = gradcafe.url();

export interface JobTrigger {
  kind: string;
  payload: unknown;
  /** Flash text for a browser when the job is queued / could not be queued. */
  queued: string;
  unavailable: string;
  /** Where a browser goes once the job is queued (default: the page). */
  pageOf?: (jobId: string) => string;
}

/**
 * Queue a job and answer the way the caller wants: an API call gets the platform's
 * `202 { ok, queued, kind, jobId }`, and a broker that is down reaches the platform's error mapper
 * (503); a browser form post gets a 303 back to the page with a flash message either way.
 *
 * @example
 *   handler: (req, ctx) => triggerJob(req, ctx, {
 *     kind: 'recompute_analytics', payload: {}, queued: 'Analysis queued.', unavailable: 'Could not queue.',
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
      return redirect(job.pageOf?.(jobId) ?? PAGE_PATH, { flash: { type: 'success', message: job.queued } });
    }
    return accepted({ kind, jobId });
  } catch (err) {
    if (!(err instanceof QueueUnavailableError) || !req.wantsHtml) throw err;
    ctx.log.warn({ err, kind }, 'job not queued: broker unavailable');
    return redirect(PAGE_PATH, { flash: { type: 'error', message: job.unavailable } });
  }
}
