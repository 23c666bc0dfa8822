import { defineHttp, json } from '../../shared/contract/index.ts';
import { likeProduct } from './lib/gallery.ts';
import { galleryProductSchema, productIdParams } from './lib/model.ts';

export default defineHttp({
  method: 'POST',
  path: '/api/products/:id/like',
  summary: 'Like a product',
  description:
    'One like per user and product. The like is counted by the admin service from a `catalog.product_liked` ' +
    'event, sent once the like is committed.',
  auth: 'user',
  params: productIdParams,
  responses: {
    200: { description: 'The product, liked', schema: galleryProductSchema },
    400: { description: 'Already liked by the caller' },
    404: { description: 'No such product (or deleted)' },
  },
  handler: async ({ params, user }, ctx) => json(await likeProduct(ctx, params.id, user.id)),
});
