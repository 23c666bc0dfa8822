import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { productIdParams } from './lib/model.ts';
import { orProductGone } from './lib/page-forms.ts';
import { productPagePath } from './lib/paths.ts';
import { getProduct } from './lib/products.ts';
import { ProductFormPage } from './views/product-form-page.tsx';

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
      return html(
        <ProductFormPage
          action={productPagePath(product.id, 'edit')}
          heading={`Edit ${product.title}`}
          submitLabel="Save"
          values={product}
          viewer={await pageViewer(req)}
        />,
      );
    }),
});
