import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { PRODUCTS_FORM_PATH } from './lib/paths.ts';
import { ProductFormPage } from './views/product-form-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/products/new',
  summary: 'Catalog admin: the new product form',
  hidden: true,
  auth: 'admin',
  handler: async (req) =>
    html(
      <ProductFormPage
        action={PRODUCTS_FORM_PATH}
        heading="New product"
        submitLabel="Create"
        values={{ title: '', image: '' }}
        viewer={await pageViewer(req)}
      />,
    ),
});
