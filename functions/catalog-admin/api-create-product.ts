import { defineHttp, json } from '../../shared/contract/index.ts';
import { productInputSchema, productSchema } from './lib/model.ts';
import { createProduct } from './lib/products.ts';

export default defineHttp({
  method: 'POST',
  path: '/api/products',
  summary: 'Create a product',
  description:
    'Announced to the gallery by a `catalog.product_created` event, sent once the product is committed.',
  auth: 'admin',
  body: productInputSchema,
  responses: {
    201: { description: 'The new product', schema: productSchema },
    400: { description: 'A missing title, or an image that is not an http(s) URL' },
  },
  handler: async ({ body }, ctx) => json(await createProduct(ctx, body), 201),
});
