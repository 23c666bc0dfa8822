import * as z from 'zod';
import { defineHttp, json } from '../../shared/contract/index.ts';
import { pageQueryFields, pageSchema } from '../../shared/contract/pagination.ts';
import { JOB_STATES, jobSchema } from './lib/schemas.ts';

/** Any job, found by what an operator knows of it: its kind, state, time, correlation id or payload. */
export default defineHttp({
  method: 'GET',
  path: '/console/api/jobs',
  auth: 'admin',
  summary: 'Search jobs',
  description:
    'Every filter is optional and they combine: `kind`; `state` (one or several, comma-separated: ' +
    '`failed,dead`); `q`, text anywhere in the payload or the error (or a job id); `correlation_id`; ' +
    '`since` and `until` (ISO times, on the creation time). Newest first, paginated (`limit` 1..100, `offset`).',
  query: z.object({
    kind: z.string().min(1).max(200).optional(),
    state: z
      .string()
      .transform((text) => text.split(',').filter(Boolean))
      .pipe(z.array(z.enum(JOB_STATES)).max(JOB_STATES.length))
      .optional()
      .describe('One state or several, comma-separated'),
    q: z.string().min(1).max(200).optional().describe('Text in the payload or the error, or a job id'),
    correlation_id: z.string().min(1).max(200).optional(),
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    ...pageQueryFields,
  }),
  responses: { 200: { description: 'One page of jobs', schema: pageSchema(jobSchema) } },
  handler: async ({ query }, ctx) =>
    json(
      await ctx.jobs.search({
        kind: query.kind,
        states: query.state,
        q: query.q,
        correlationId: query.correlation_id,
        since: query.since,
        until: query.until,
        limit: query.limit,
        offset: query.offset,
      }),
    ),
});
