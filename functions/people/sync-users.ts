import { defineSyncTask } from './lib/sync-task.ts';
import { syncUsers } from './lib/sync-users.ts';

/** Sync the users from the provider, page by page (see lib/sync-users.ts). */
export default defineSyncTask('users', (ctx, settings, provider) =>
  syncUsers(ctx.db, provider, {
    leaseSeconds: settings.PEOPLE_SYNC_LEASE_S,
    jobId: ctx.message.jobId,
    log: ctx.log,
    finish: ctx.finish,
  }),
);
