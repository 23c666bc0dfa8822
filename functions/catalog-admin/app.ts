import * as z from 'zod';
import { defineApp } from '../../shared/contract/index.ts';

/**
 * The Catalog admin service, at `/catalog-admin`: where products are created, edited and deleted,
 * and where the likes counted from the gallery show. It shares nothing with the gallery
 * (`functions/catalog/`) but events: product changes go out through the transactional outbox,
 * likes come back as `catalog.product_liked`.
 */
const catalogAdmin = defineApp({
  name: 'catalog-admin',
  title: 'Catalog admin',
  description:
    'Products created, edited and deleted by admins, announced to the gallery through the outbox; the likes counted back.',
  // Admins only: the gallery links it for them, rather than every visitor's navigation bar.
  nav: [],
  config: z.object({
    CATALOG_ADMIN_SAMPLE_PRODUCTS: z
      .stringbool()
      .default(true)
      .describe('Create a few sample products (with pictures served by the app) when there are none yet.'),
  }),
});

export default catalogAdmin;
