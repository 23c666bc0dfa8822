import { defineHttp } from '../../shared/contract/index.ts';
import { productIdParams } from './lib/model.ts';
import { orProductGone } from './lib/page-forms.ts';
import { getProduct } from './lib/products.ts';
import { editProductForm, productFormAnswer } from './views/product-form-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/products/:id/edit',
  summary: 'Catalog admin: the edit form of a product',
  hidden: true,
  auth: 'admin',
  params: productIdParams,
  handler: (req, ctx) =>
    orProductGone(async () => {
      const product = await getProduct(ctx.db, req.params.id);
      return productFormAnswer(req, { ...editProductForm(product.id, product.title), values: product });
    }),
});
