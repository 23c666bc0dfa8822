import * as z from 'zod';
import { defineHttp, html } from '../../shared/contract/index.ts';
import { isAdmin } from './lib/access.ts';
import { statusSchema } from './lib/model.ts';
import { reportProgress } from './lib/report-progress.ts';
import { loadListPage } from './lib/list-view.ts';
import { allOwnerStatsCached, ownerStatsCached } from './lib/tasks.ts';
import { DashboardPage } from './views/dashboard-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/',
  summary: 'Notes dashboard',
  hidden: true,
  auth: 'user',
  // A hand-edited URL with a bad filter or page shows the default view rather than an error.
  query: z.object({
    status: statusSchema.optional().catch(undefined),
    page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
  }),
  handler: async (req, ctx) => {
    const user = req.user;
    const { status, page: pageNo } = req.query;
    const [page, stats, progress, allStats, csrfToken] = await Promise.all([
      loadListPage(ctx, user.id, { status, page: pageNo }),
      ownerStatsCached(ctx, user.id),
      reportProgress(ctx, user.id),
      isAdmin(user) ? allOwnerStatsCached(ctx) : Promise.resolve(undefined),
      req.csrfToken(),
    ]);
    return html(
      <DashboardPage
        user={user}
        csrfToken={csrfToken}
        flash={req.flash}
        page={page}
        filter={status}
        stats={stats}
        progress={progress}
        allStats={allStats}
      />,
    );
  },
});
