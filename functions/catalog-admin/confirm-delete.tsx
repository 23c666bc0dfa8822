import { defineHttp, html } from '../../shared/contract/index.ts';
import { pageViewer } from '../../shared/http/views/index.ts';
import { productIdParams } from './lib/model.ts';
import { orProductGone } from './lib/page-forms.ts';
import { getProduct } from './lib/products.ts';
import { DeletePage } from './views/delete-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/products/:id/delete',
  summary: 'Catalog admin: confirm the delete of a product',
  hidden: true,
  auth: 'admin',
  params: productIdParams,
  handler: (req, ctx) =>
    orProductGone(async () => {
      const product = await getProduct(ctx.db, req.params.id);
      return html(<DeletePage product={product} viewer={await pageViewer(req)} />);
    }),
});
