import * as z from 'zod';
import { defineHttp } from '../../shared/contract/index.ts';
import { pageQueryFields } from '../../shared/contract/pagination.ts';
import { partial } from '../../shared/http/views/index.ts';
import { listImports } from './lib/imports-store.ts';
import { HistoryTable } from './views/history-table.tsx';

export default defineHttp({
  method: 'GET',
  path: '/history-panel',
  summary: 'Imports page: the history (htmx fragment, polled while an import runs)',
  hidden: true,
  auth: 'admin',
  query: z.object({ offset: pageQueryFields.offset.catch(0) }),
  handler: async (req, ctx) =>
    partial(<HistoryTable page={await listImports(ctx.db, { limit: 20, offset: req.query.offset })} />),
});
