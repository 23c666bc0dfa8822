import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { schedulesWithNextRun } from './lib/schedules.ts';
import { scheduleSchema } from './lib/schemas.ts';

/** Every schedule with its cron, its next run and the job its last run fired. */
export default defineHttp({
  method: 'GET',
  path: '/console/api/schedules',
  auth: 'admin',
  summary: 'List schedules',
  responses: { 200: { description: 'Every schedule', schema: z.array(scheduleSchema) } },
  handler: async (_req, ctx) => json(await schedulesWithNextRun(ctx)),
});
