import { defineHttp } from '../../shared/contract/index.ts';
import { productIdParams } from './lib/model.ts';
import { orProductGone, toList } from './lib/page-forms.ts';
import { deleteProduct } from './lib/products.ts';

export default defineHttp({
  method: 'POST',
  path: '/products/:id/delete',
  summary: 'Catalog admin: delete a product (the confirmation form posts here)',
  hidden: true,
  auth: 'admin',
  params: productIdParams,
  handler: (req, ctx) =>
    orProductGone(async () => {
      const product = await deleteProduct(ctx, req.params.id);
      return toList('success', `Deleted “${product.title}”.`);
    }),
});
