import { defineHttp, json } from '../../shared/contract/index.ts';
import { listItems } from './lib/imports-store.ts';
import { itemPageSchema, itemsQuery } from './lib/schemas.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/items',
  summary: 'Imported items, by sku',
  description: 'Filter by `category` (exact) and `q` (text in the sku or the name).',
  auth: 'admin',
  query: itemsQuery,
  responses: { 200: { description: 'One page of items', schema: itemPageSchema } },
  handler: async ({ query }, ctx) => json(await listItems(ctx.db, query)),
});
