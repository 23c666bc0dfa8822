import * as z from 'zod';
import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageQueryFields } from '../../shared/contract/pagination.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { failedRowRules, findImport, listFailedRows } from './lib/imports-store.ts';
import { importIdParams } from './lib/schemas.ts';
import { ImportDetail } from './views/import-detail.tsx';

export default defineHttp({
  method: 'GET',
  path: '/runs/:id',
  summary: 'Imports: one import with its failed rows',
  hidden: true,
  auth: 'admin',
  params: importIdParams,
  query: z.object({
    rule: z
      .string()
      .regex(/^[a-z0-9_]{1,40}$/)
      .optional()
      .catch(undefined),
    offset: pageQueryFields.offset.catch(0),
  }),
  handler: async (req, ctx) => {
    const row = await findImport(ctx.db, req.params.id);
    if (!row) throw new NotFoundError(`No import ${req.params.id}`);
    const { rule, offset } = req.query;
    const [failed, rules, viewer] = await Promise.all([
      listFailedRows(ctx.db, row.id, { rule, limit: 50, offset }),
      failedRowRules(ctx.db, row.id),
      pageViewer(req),
    ]);
    return html(
      <ImportDetail row={row} failed={failed} rules={rules} rule={rule} viewer={viewer} flash={req.flash} />,
    );
  },
});
