import * as z from 'zod';
import { defineTask } from '../../shared/contract/index.ts';

/**
 * Delete inbox rows and finished jobs past their retention, sent outbox rows as old as inbox rows
 * that may go, expired sessions and failed logins that no longer count. An inbox row only has to
 * outlive the redeliveries of its message (minutes), and a sent outbox row is kept only to be
 * looked at; a finished job stays readable for a while. Pending outbox rows are never deleted.
 */
export default defineTask({
  consumes: 'platform_prune',
  payload: z.object({}),
  concurrency: 1,
  handler: async (_payload, ctx) => {
    const inbox = await ctx.db.query(
      `delete from inbox where processed_at < now() - make_interval(days => $1)`,
      [ctx.config.INBOX_RETENTION_DAYS],
    );
    const outbox = await ctx.db.query(
      `delete from outbox where sent_at < now() - make_interval(days => $1)`,
      [ctx.config.INBOX_RETENTION_DAYS],
    );
    const jobs = await ctx.db.query(
      `delete from jobs
       where status in ('succeeded', 'failed', 'dead', 'cancelled') and finished_at < now() - make_interval(days => $1)`,
      [ctx.config.JOBS_RETENTION_DAYS],
    );
    return {
      inboxDeleted: inbox.rowCount,
      outboxDeleted: outbox.rowCount,
      jobsDeleted: jobs.rowCount,
      ...(await ctx.auth.prune()),
    };
  },
});
