import catalogAdmin from '../app.ts';

/** Where the admin pages live; their forms post to these and come back to the list. */
export const LIST_PATH = catalogAdmin.url();
export const NEW_PRODUCT_PATH = catalogAdmin.url('/products/new');
export const PRODUCTS_FORM_PATH = catalogAdmin.url('/products');

export const productPagePath = (id: number, action: 'edit' | 'delete') =>
  `${PRODUCTS_FORM_PATH}/${id}/${action}`;

/** The bundled sample pictures (see sample-image.ts), as absolute URLs: a product's image is one. */
export const sampleImageUrl = (origin: string, name: string) =>
  `${origin}${catalogAdmin.url('/samples')}/${name}.svg`;
