import { defineHttp } from '../../shared/contract/index.ts';
import { checkProductForm, productFormBody, toList } from './lib/page-forms.ts';
import { createProduct } from './lib/products.ts';
import { NEW_PRODUCT_FORM, productFormAnswer } from './views/product-form-page.tsx';

export default defineHttp({
  method: 'POST',
  path: '/products',
  summary: 'Catalog admin: create a product from the form',
  hidden: true,
  auth: 'admin',
  body: productFormBody,
  handler: async (req, ctx) => {
    const form = checkProductForm(req.body);
    if (!form.ok)
      return productFormAnswer(req, { ...NEW_PRODUCT_FORM, values: form.values, errors: form.errors }, 400);
    const product = await createProduct(ctx, form.input);
    return toList('success', `Created “${product.title}”. The gallery shows it once its event arrives.`);
  },
});
