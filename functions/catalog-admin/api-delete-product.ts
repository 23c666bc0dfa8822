import { defineHttp } from '../../shared/contract/index.ts';
import { productIdParams } from './lib/model.ts';
import { deleteProduct } from './lib/products.ts';

export default defineHttp({
  method: 'DELETE',
  path: '/api/products/:id',
  summary: 'Delete a product',
  description: 'The gallery removes it on the `catalog.product_deleted` event, sent once committed.',
  auth: 'admin',
  params: productIdParams,
  responses: {
    204: { description: 'Deleted' },
    404: { description: 'No such product' },
  },
  handler: async ({ params }, ctx) => {
    await deleteProduct(ctx, params.id);
    return new Response(null, { status: 204 });
  },
});
