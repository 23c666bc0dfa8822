import catalog from '../app.ts';

/** The gallery page, and where its like buttons post. */
export const GALLERY_PATH = catalog.url();
export const likePath = (id: number) => catalog.url(`/products/${id}/like`);
