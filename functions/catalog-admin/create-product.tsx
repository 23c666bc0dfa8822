import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { checkProductForm, productFormBody, toList } from './lib/page-forms.ts';
import { PRODUCTS_FORM_PATH } from './lib/paths.ts';
import { createProduct } from './lib/products.ts';
import { ProductFormPage } from './views/product-form-page.tsx';

export default defineHttp({
  method: 'POST',
  path: '/products',
  summary: 'Catalog admin: create a product from the form',
  hidden: true,
  auth: 'admin',
  body: productFormBody,
  handler: async (req, ctx) => {
    const form = checkProductForm(req.body);
    if (!form.ok) {
      const page = (
        <ProductFormPage
          action={PRODUCTS_FORM_PATH}
          heading="New product"
          submitLabel="Create"
          values={form.values}
          errors={form.errors}
          viewer={await pageViewer(req)}
        />
      );
      return html(page, 400);
    }
    const product = await createProduct(ctx, form.input);
    return toList('success', `Created “${product.title}”. The gallery shows it once its event arrives.`);
  },
});
