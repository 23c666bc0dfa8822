import { defineHttp, json } from '../../shared/contract/index.ts';
import { productIdParams, productInputSchema, productSchema } from './lib/model.ts';
import { updateProduct } from './lib/products.ts';

export default defineHttp({
  method: 'PUT',
  path: '/api/products/:id',
  summary: "Replace a product's title and image",
  description:
    'Both fields are required. 202: changed here, and on its way to the gallery (a `catalog.product_updated` ' +
    'event, sent once committed).',
  auth: 'admin',
  params: productIdParams,
  body: productInputSchema,
  responses: {
    202: { description: 'The changed product', schema: productSchema },
    400: { description: 'A missing title, or an image that is not an http(s) URL' },
    404: { description: 'No such product' },
  },
  handler: async ({ params, body }, ctx) => json(await updateProduct(ctx, params.id, body), 202),
});
