import * as z from 'zod';
import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageQueryFields } from '../../shared/contract/pagination.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { listProducts } from './lib/products.ts';
import { syncStatus } from './lib/sync-status.ts';
import { AdminPage } from './views/admin-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/',
  summary: 'Catalog admin page',
  hidden: true,
  auth: 'admin',
  query: z.object({ offset: pageQueryFields.offset.catch(0) }),
  handler: async (req, ctx) => {
    const [page, status, viewer] = await Promise.all([
      listProducts(ctx.db, { limit: 20, offset: req.query.offset }),
      syncStatus(ctx),
      pageViewer(req),
    ]);
    return html(<AdminPage page={page} status={status} viewer={viewer} flash={req.flash} />);
  },
});
