import { defineHttp } from '../../shared/contract/index.ts';
import { productIdParams } from './lib/model.ts';
import { checkProductForm, orProductGone, productFormBody, toList } from './lib/page-forms.ts';
import { updateProduct } from './lib/products.ts';
import { editProductForm, productFormAnswer } from './views/product-form-page.tsx';

export default defineHttp({
  method: 'POST',
  path: '/products/:id/edit',
  summary: 'Catalog admin: save the edit form of a product',
  hidden: true,
  auth: 'admin',
  params: productIdParams,
  body: productFormBody,
  handler: (req, ctx) =>
    orProductGone(async () => {
      const form = checkProductForm(req.body);
      if (!form.ok)
        return productFormAnswer(
          req,
          { ...editProductForm(req.params.id), values: form.values, errors: form.errors },
          400,
        );
      const product = await updateProduct(ctx, req.params.id, form.input);
      return toList('success', `Saved “${product.title}”.`);
    }),
});
