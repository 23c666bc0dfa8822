import { defineHttp, json } from '../../shared/contract/index.ts';
import { listImports } from './lib/imports-store.ts';
import { importPageSchema, importsQuery } from './lib/schemas.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/imports',
  summary: 'Import history, newest first',
  description:
    'Each file imported (or being imported): status, rows loaded/failed, duration, progress while running.',
  auth: 'admin',
  query: importsQuery,
  responses: { 200: { description: 'One page of imports', schema: importPageSchema } },
  handler: async ({ query }, ctx) => json(await listImports(ctx.db, query)),
});
