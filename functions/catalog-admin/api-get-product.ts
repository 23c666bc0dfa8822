import { defineHttp, json } from '../../shared/contract/index.ts';
import { productIdParams, productSchema } from './lib/model.ts';
import { getProduct } from './lib/products.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/products/:id',
  summary: 'One product',
  auth: 'admin',
  params: productIdParams,
  responses: {
    200: { description: 'The product', schema: productSchema },
    404: { description: 'No such product' },
  },
  handler: async ({ params }, ctx) => json(await getProduct(ctx.db, params.id)),
});
