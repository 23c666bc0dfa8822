import * as z from 'zod';
import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageQueryFields } from '../../shared/contract/pagination.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import catalog from './app.ts';
import { listGallery } from './lib/gallery.ts';
import { pendingProductEvents } from './lib/replica-status.ts';
import { GalleryPage } from './views/gallery-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/',
  summary: 'Catalog gallery page',
  hidden: true,
  auth: 'public',
  query: z.object({ offset: pageQueryFields.offset.catch(0) }),
  handler: async (req, ctx) => {
    const limit = catalog.config(ctx.config).CATALOG_PAGE_SIZE;
    const [page, pendingEvents, viewer] = await Promise.all([
      listGallery(ctx.db, { limit, offset: req.query.offset, userId: req.user?.id }),
      pendingProductEvents(ctx),
      pageViewer(req),
    ]);
    return html(<GalleryPage page={page} pendingEvents={pendingEvents} viewer={viewer} flash={req.flash} />);
  },
});
