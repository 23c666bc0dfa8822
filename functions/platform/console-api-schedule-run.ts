import * as z from 'zod';
import { accepted, defineHttp, jobAcceptedResponses, navigate } from '../../shared/contract/index.ts';
import { QueueUnavailableError } from '../../shared/errors.ts';
import { CONSOLE_PATH } from './lib/console-view.ts';
import { jobPagePath } from './lib/job-actions.ts';

/** The console's "Run now": one tick of a schedule, whatever its cron says. */
export default defineHttp({
  method: 'POST',
  path: '/console/api/schedules/:name/run',
  auth: 'admin',
  summary: 'Run a schedule now',
  description:
    "Triggers the job a tick of the schedule triggers, now. A form post is sent to the new job's page.",
  params: z.object({ name: z.string().min(1).max(200) }),
  responses: { ...jobAcceptedResponses(), 404: { description: 'No such schedule' } },
  handler: async (req, ctx) => {
    const { name } = req.params;
    let fired: { jobId: string; kind: string };
    try {
      fired = await ctx.operator.runSchedule(name);
    } catch (err) {
      if (!(err instanceof QueueUnavailableError) || !req.wantsHtml) throw err;
      return navigate(req, CONSOLE_PATH, {
        flash: { type: 'error', message: `${name} did not run: ${err.message}` },
      });
    }
    await ctx.operator.record({ actor: req.user.email, action: 'run', target: name, count: 1 });
    if (!req.wantsHtml) return accepted(fired);
    const message = `${name} ran now: this page follows the job it triggered.`;
    return navigate(req, jobPagePath(fired.jobId), { flash: { type: 'success', message } });
  },
});
