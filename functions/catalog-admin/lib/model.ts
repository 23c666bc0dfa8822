import * as z from 'zod';
import { pageQueryFields, pageSchema } from '../../../shared/contract/pagination.ts';

/**
 * A product as the admin API shows it, and what a client may send. Limits mirror the checks in
 * sql/0013_catalog_admin.sql; unknown fields (`likes`, `id`, a form's `_csrf`) are ignored:
 * likes only ever come from the gallery's events.
 */
export const MAX_TITLE_LENGTH = 200;
export const MAX_IMAGE_URL_LENGTH = 2000;

export interface Product {
  id: number;
  title: string;
  image: string;
  likes: number;
}

export const productSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  image: z.url(),
  likes: z.number().int(),
});

export const productInputSchema = z.object({
  title: z.string().trim().min(1, 'must not be empty').max(MAX_TITLE_LENGTH),
  image: z
    .string()
    .trim()
    .max(MAX_IMAGE_URL_LENGTH)
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http or https URL' })),
});
export type ProductInput = z.infer<typeof productInputSchema>;

export const productIdParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });

export const productsQuery = z.object({ ...pageQueryFields });
export const productPageSchema = pageSchema(productSchema);
