import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';

/** Liveness: the process answers. No dependency checks, so a broker outage never restarts it. */
export default defineHttp({
  method: 'GET',
  path: '/healthz',
  auth: 'public',
  summary: 'Liveness probe',
  responses: { 200: { description: 'The process is up', schema: z.object({ status: z.literal('ok') }) } },
  handler: () => json({ status: 'ok' }),
});
