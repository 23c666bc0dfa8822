import {
  triggerJob as triggerPlatformJob,
  type HttpCtx,
  type HttpRequest,
  type JobTrigger,
} from '../../../shared/contract/index.ts';
import gradcafe from '../app.ts';

/** Where the app's page is mounted; form posts come back here. */
export const PAGE_PATH = gradcafe.url();

/** The platform's job trigger, coming back to the GradCafe page. */
export function triggerJob(
  req: Pick<HttpRequest<unknown, unknown, unknown>, 'wantsHtml' | 'correlationId'>,
  ctx: Pick<HttpCtx, 'jobs' | 'log'>,
  job: Omit<JobTrigger, 'page'>,
): Promise<Response> {
  return triggerPlatformJob(req, ctx, { ...job, page: PAGE_PATH });
}
