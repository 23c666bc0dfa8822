import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { assertMayAccessOwner } from './lib/access.ts';
import { ownerResponses } from './lib/openapi.ts';
import { latestReport, taskReportSchema } from './lib/reports.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/jobs/task-report/:ownerId',
  summary: "An owner's latest task report (own, or anyone's for admins)",
  auth: 'user',
  params: z.object({ ownerId: z.uuid() }),
  responses: {
    200: { description: 'The latest report', schema: taskReportSchema },
    ...ownerResponses,
    404: { description: 'No report generated yet' },
  },
  handler: async ({ params, user }, ctx) => {
    const ownerId = assertMayAccessOwner(user, params.ownerId);
    const report = await latestReport(ctx.db, ownerId);
    if (!report) throw new NotFoundError('No report yet: POST /notes/api/jobs/task-report to generate one');
    return json(report);
  },
});
