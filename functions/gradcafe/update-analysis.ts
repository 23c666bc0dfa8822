import { defineHttp } from '../../shared/contract/index.ts';
import { triggerResponses } from './lib/openapi.ts';
import { analysisParamsSchema } from './lib/schemas.ts';
import { triggerJob } from './lib/trigger.ts';
import { questionPath } from './views/question-notice.tsx';

export default defineHttp({
  method: 'POST',
  path: '/update-analysis',
  summary: 'Queue a recompute of the GradCafe analysis (recompute_analytics)',
  auth: 'admin',
  description:
    'Optional question parameters: term (default: the latest term present), university, program and degree ' +
    '(default: Johns Hopkins University, Computer Science, Masters). Answers like POST /gradcafe/pull-data. ' +
    'The page and GET /gradcafe/api/analysis show everyone the standard question; the answers to another ' +
    'question are at /gradcafe/?job=<jobId> and GET /gradcafe/api/analysis?job=<jobId>.',
  body: analysisParamsSchema.optional(),
  responses: triggerResponses,
  handler: (req, ctx) =>
    triggerJob(req, ctx, {
      kind: 'recompute_analytics',
      payload: req.body ?? {},
      queued: 'Analysis update queued: its answers appear here when it finishes.',
      pageOf: questionPath,
      unavailable:
        'Could not queue the analysis update: the job queue is unavailable. Try again in a moment.',
    }),
});
