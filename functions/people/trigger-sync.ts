import * as z from 'zod';
import { defineHttp, jobAcceptedResponses, navigate, triggerJob } from '../../shared/contract/index.ts';
import { ConflictError } from '../../shared/errors.ts';
import { SYNC_KINDS } from './lib/kinds.ts';
import { PAGE_PATH } from './lib/paths.ts';
import { runningRun, type SyncKind } from './lib/sync-runs.ts';

const WHAT: Record<SyncKind, string> = {
  users: 'users sync',
  addresses: 'address enrichment',
  cards: 'card enrichment',
};

export default defineHttp({
  method: 'POST',
  path: '/sync/:kind',
  summary: 'Run a sync now: users, addresses or cards',
  description:
    'Queues the sync as its schedule would. One that is already running is not started twice: 409 (a form ' +
    'gets the page back with a message).',
  auth: 'admin',
  params: z.object({ kind: z.enum(['users', 'addresses', 'cards']) }),
  responses: {
    ...jobAcceptedResponses(),
    409: { description: 'A sync of that kind is running' },
  },
  handler: async (req, ctx) => {
    const { kind } = req.params;
    const running = await runningRun(ctx.db, kind);
    if (running) {
      const message = `The ${WHAT[kind]} is already running (since ${running.startedAt}): it was not started twice.`;
      if (req.wantsHtml) return navigate(req, PAGE_PATH, { flash: { type: 'info', message } });
      throw new ConflictError(message);
    }
    return triggerJob(req, ctx, {
      kind: SYNC_KINDS[kind],
      payload: {},
      page: PAGE_PATH,
      queued: `The ${WHAT[kind]} has started.`,
      unavailable: `Could not start the ${WHAT[kind]}: the job queue is unavailable. Try again in a moment.`,
    });
  },
});
