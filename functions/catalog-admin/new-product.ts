import { defineHttp } from '../../shared/contract/index.ts';
import { NEW_PRODUCT_FORM, productFormAnswer } from './views/product-form-page.tsx';

export default defineHttp({
  method: 'GET',
  path: '/products/new',
  summary: 'Catalog admin: the new product form',
  hidden: true,
  auth: 'admin',
  handler: (req) => productFormAnswer(req, { ...NEW_PRODUCT_FORM, values: { title: '', image: '' } }),
});
