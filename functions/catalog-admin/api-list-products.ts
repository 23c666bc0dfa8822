import { defineHttp, json } from '../../shared/contract/index.ts';
import { productPageSchema, productsQuery } from './lib/model.ts';
import { listProducts } from './lib/products.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/products',
  summary: 'Products, with their like counts',
  description: 'Paginated (`limit` 1..100, `offset`), newest first.',
  auth: 'admin',
  query: productsQuery,
  responses: { 200: { description: 'One page of products', schema: productPageSchema } },
  handler: async ({ query }, ctx) => json(await listProducts(ctx.db, query)),
});
