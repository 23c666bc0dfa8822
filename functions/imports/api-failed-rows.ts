import { defineHttp, json } from '../../shared/contract/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { findImport, listFailedRows } from './lib/imports-store.ts';
import { failedRowPageSchema, failedRowsQuery, importIdParams } from './lib/schemas.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/imports/:id/failed-rows',
  summary: "An import's failed rows, in line order",
  description:
    'Each row the import could not load, with its line number, raw text, rule and reason; filter with `rule`.',
  auth: 'admin',
  params: importIdParams,
  query: failedRowsQuery,
  responses: {
    200: { description: 'One page of failed rows', schema: failedRowPageSchema },
    404: { description: 'No such import' },
  },
  handler: async ({ params, query }, ctx) => {
    if (!(await findImport(ctx.db, params.id))) throw new NotFoundError(`No import ${params.id}`);
    return json(await listFailedRows(ctx.db, params.id, query));
  },
});
