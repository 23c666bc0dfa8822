import * as z from 'zod';
import { defineHttp } from '../../shared/contract/index.ts';
import { triggerJob } from './lib/trigger.ts';
import { entryId, optionalField } from './lib/schemas.ts';
import { triggerResponses } from './lib/openapi.ts';

export default defineHttp({
  method: 'POST',
  path: '/pull-data',
  summary: 'Queue a pull of new GradCafe entries (scrape_new_data)',
  auth: 'admin',
  description:
    'Reads entries newer than `since` (default: the stored watermark). API callers get 202 with the job id, ' +
    'or 503 when the broker is unavailable; browser form posts are redirected back to the page with a flash message.',
  body: z.object({ since: optionalField(entryId) }).optional(),
  responses: triggerResponses,
  handler: (req, ctx) =>
    triggerJob(req, ctx, {
      kind: 'scrape_new_data',
      payload: req.body ?? {},
      queued: 'Pull queued: new entries will appear shortly.',
      unavailable: 'Could not queue the pull: the job queue is unavailable. Try again in a moment.',
    }),
});
