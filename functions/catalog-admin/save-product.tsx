import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { productIdParams } from './lib/model.ts';
import { checkProductForm, orProductGone, productFormBody, toList } from './lib/page-forms.ts';
import { productPagePath } from './lib/paths.ts';
import { updateProduct } from './lib/products.ts';
import { ProductFormPage } from './views/product-form-page.tsx';

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
      const { id } = req.params;
      const form = checkProductForm(req.body);
      if (!form.ok) {
        const page = (
          <ProductFormPage
            action={productPagePath(id, 'edit')}
            heading="Edit product"
            submitLabel="Save"
            values={form.values}
            errors={form.errors}
            viewer={await pageViewer(req)}
          />
        );
        return html(page, 400);
      }
      const product = await updateProduct(ctx, id, form.input);
      return toList('success', `Saved “${product.title}”.`);
    }),
});
