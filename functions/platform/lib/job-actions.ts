import type { AuthUser, HttpCtx, HttpRequest } from '../../../shared/contract/index.ts';
import { accepted, json, navigate } from '../../../shared/contract/index.ts';
import { ConflictError, QueueUnavailableError } from '../../../shared/errors.ts';

export const jobPagePath = (id: string) => `/console/jobs/${id}`;

const DONE = {
  retry: 'Queued again: the job runs from its first attempt.',
  cancel: 'Cancelled: the job will not run.',
} as const;

/**
 * Retry or cancel a job, recorded as a console action. One route answers both callers: a form post
 * goes back to the job page with a flash (a refusal too: the state moved on, the broker is down),
 * a script gets JSON (202 and the trigger answer for a retry, the job for a cancel) or the error.
 */
export async function actOnJob(
  req: Pick<HttpRequest<unknown, unknown, unknown>, 'wantsHtml' | 'htmx'> & {
    params: { id: string };
    user: AuthUser;
  },
  ctx: HttpCtx,
  action: 'retry' | 'cancel',
): Promise<Response> {
  const { id } = req.params;
  const by = req.user.email;
  try {
    await (action === 'retry' ? ctx.jobs.retry(id, { by }) : ctx.jobs.cancel(id, { by }));
  } catch (err) {
    const refused = err instanceof ConflictError || err instanceof QueueUnavailableError;
    if (!refused || !req.wantsHtml) throw err;
    return navigate(req, jobPagePath(id), { flash: { type: 'error', message: err.message } });
  }
  await ctx.operator.record({ actor: by, action, target: `job ${id}`, count: 1 });
  if (req.wantsHtml)
    return navigate(req, jobPagePath(id), { flash: { type: 'success', message: DONE[action] } });
  const job = (await ctx.jobs.get(id))!;
  return action === 'retry' ? accepted({ kind: job.kind, jobId: id }) : json(job);
}
