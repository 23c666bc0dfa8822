import * as z from 'zod';
import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageQueryFields } from '../../shared/contract/pagination.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import imports from './app.ts';
import { countItems, listImports } from './lib/imports-store.ts';
import { storesOf } from './lib/run-imports.ts';
import { ImportsPage } from './views/imports-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/',
  summary: 'Imports page',
  hidden: true,
  auth: 'admin',
  query: z.object({ offset: pageQueryFields.offset.catch(0) }),
  handler: async (req, ctx) => {
    const [history, itemCount, viewer] = await Promise.all([
      listImports(ctx.db, { limit: 20, offset: req.query.offset }),
      countItems(ctx.db),
      pageViewer(req),
    ]);
    const inboxes = storesOf(ctx).inboxes.map((inbox) => inbox.store.description);
    return html(
      <ImportsPage
        history={history}
        inbox={inboxes.join(' or ')}
        maxBytes={imports.config(ctx.config).IMPORTS_MAX_BYTES}
        itemCount={itemCount}
        viewer={viewer}
        flash={req.flash}
      />,
    );
  },
});
