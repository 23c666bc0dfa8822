import { defineHttp, json } from '../../shared/contract/index.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { findImport } from './lib/imports-store.ts';
import { importIdParams, importSchema } from './lib/schemas.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/imports/:id',
  summary: 'One import: its status, counts and progress',
  auth: 'admin',
  params: importIdParams,
  responses: {
    200: { description: 'The import', schema: importSchema },
    404: { description: 'No such import' },
  },
  handler: async ({ params }, ctx) => {
    const found = await findImport(ctx.db, params.id);
    if (!found) throw new NotFoundError(`No import ${params.id}`);
    return json(found);
  },
});
