import * as z from 'zod';
import { accepted, defineHttp, jobAcceptedResponses } from '../../shared/contract/index.ts';
import { assertMayAccessOwner } from './lib/access.ts';
import { ownerResponses } from './lib/openapi.ts';
import { reportJobAcceptedSchema, triggerReport } from './lib/report-jobs.ts';

export default defineHttp({
  method: 'POST',
  path: '/api/jobs/task-report',
  summary: 'Queue a task report for an owner (default: the caller; admins: anyone)',
  description: 'Answers 202 with the job id and where to follow it: GET /jobs/:id, then the report.',
  auth: 'user',
  body: z.object({ owner_id: z.uuid().optional() }),
  responses: { ...jobAcceptedResponses(reportJobAcceptedSchema), ...ownerResponses },
  handler: async ({ body, user, correlationId }, ctx) => {
    const ownerId = assertMayAccessOwner(user, body.owner_id);
    const { kind, jobId, links } = await triggerReport(ctx, correlationId, ownerId);
    return accepted({ kind, jobId }, { links });
  },
});
