import * as z from 'zod';
import type { HttpCtx, Job, JobStatus, LastHour, OperatorAction } from '../../../shared/contract/index.ts';
import { schedulesWithNextRun, type ScheduleInfo } from './schedules.ts';
import type { Page } from '../../../shared/contract/pagination.ts';
import { pageQueryFields } from '../../../shared/contract/pagination.ts';
import { queueDepths, type QueueRow } from './queue-depths.ts';
import { JOB_STATES } from './schemas.ts';

/**
 * What the console page shows: every queue's depth, the outbox, and the jobs its search form
 * asks for. A hand-edited URL with a bad value shows the default view rather than an error.
 */
export const CONSOLE_PATH = '/console';
/** The search's time windows, in seconds back from now. */
const WINDOWS = { hour: 3600, day: 86_400, week: 604_800 } as const;

export const consoleQuery = z.object({
  kind: z.string().trim().max(200).optional().catch(undefined),
  state: z
    .enum([...JOB_STATES, 'problems'])
    .optional()
    .catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  /** A job page's "correlation id" link: the jobs of one request or schedule tick. */
  correlation: z.string().trim().max(200).optional().catch(undefined),
  window: z
    .enum(Object.keys(WINDOWS) as [keyof typeof WINDOWS])
    .optional()
    .catch(undefined),
  offset: pageQueryFields.offset.catch(0),
});
export type ConsoleFilter = z.infer<typeof consoleQuery>;

export interface ConsoleView {
  queues: QueueRow[];
  brokerError?: string | undefined;
  outbox: { pending: number; lagSeconds: number };
  jobs: Page<Job>;
  actions: OperatorAction[];
  schedules: ScheduleInfo[];
  queueDriver: HttpCtx['queueAdmin']['driver'];
  lastHour: LastHour;
}

const PAGE_SIZE = 25;

export async function loadConsole(
  ctx: Pick<HttpCtx, 'queueAdmin' | 'jobs' | 'operator'>,
  filter: ConsoleFilter,
): Promise<ConsoleView> {
  const states: readonly JobStatus[] | undefined =
    filter.state === 'problems' ? ['failed', 'dead'] : filter.state ? [filter.state] : undefined;
  const since = filter.window
    ? new Date(Date.now() - WINDOWS[filter.window] * 1000).toISOString()
    : undefined;
  const [depths, outbox, jobs, actions, schedules, lastHour] = await Promise.all([
    queueDepths(ctx),
    ctx.queueAdmin.outbox(),
    ctx.jobs.search({
      kind: filter.kind || undefined,
      states,
      q: filter.q || undefined,
      correlationId: filter.correlation || undefined,
      since,
      limit: PAGE_SIZE,
      offset: filter.offset,
    }),
    ctx.operator.recentActions(10),
    schedulesWithNextRun(ctx),
    ctx.operator.lastHour(),
  ]);
  return { ...depths, outbox, jobs, actions, schedules, lastHour, queueDriver: ctx.queueAdmin.driver };
}
