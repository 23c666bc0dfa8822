import * as z from 'zod';
import { defineApp } from '../../shared/contract/index.ts';

/**
 * The Catalog gallery, at `/catalog`: the products as the admin service (`functions/catalog-admin/`)
 * announced them, which signed-in users like. Its products are a replica built only from the admin
 * service's events; its likes go back to the admin service as `catalog.product_liked` events.
 */
export default defineApp({
  name: 'catalog',
  title: 'Catalog',
  description:
    "A product gallery replicated from the admin service's events, where signed-in users like products.",
  config: z.object({
    CATALOG_PAGE_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(100)
      .default(24)
      .describe('Products per page of the gallery.'),
  }),
});
