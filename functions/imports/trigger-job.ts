import { defineHttp, jobAcceptedResponses, navigate, triggerJob } from '../../shared/contract/index.ts';
import { ConflictError } from '../../shared/errors.ts';
import { PAGE_PATH } from './lib/paths.ts';
import { DAILY_KIND } from './lib/run-imports.ts';

const ACTIVE = new Set(['queued', 'running', 'retrying']);

export default defineHttp({
  method: 'POST',
  path: '/trigger-job',
  summary: 'Run the daily import now',
  description:
    'Imports the new files of the inboxes and every queued upload, as IMPORTS_CRON does. A daily import that is ' +
    'already queued or running is not started twice: 409 naming its job.',
  auth: 'admin',
  responses: {
    ...jobAcceptedResponses(),
    409: { description: 'A daily import is already queued or running' },
  },
  handler: async (req, ctx) => {
    const [latest] = await ctx.jobs.recent({ kinds: [DAILY_KIND], limit: 1 });
    if (latest && ACTIVE.has(latest.status)) {
      const message = `The daily import is already ${latest.status} (job ${latest.id}): it was not started twice.`;
      if (req.wantsHtml) return navigate(req, PAGE_PATH, { flash: { type: 'info', message } });
      throw new ConflictError(message);
    }
    return triggerJob(req, ctx, {
      kind: DAILY_KIND,
      payload: {},
      page: PAGE_PATH,
      queued: 'Daily import started: new inbox files and queued uploads are being imported.',
      unavailable: 'Could not start the import: the job queue is unavailable. Try again in a moment.',
    });
  },
});
