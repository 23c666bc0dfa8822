import * as z from 'zod';
import { pageQueryFields, pageSchema } from '../../../shared/contract/pagination.ts';

export const galleryProductSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  image: z.url(),
  likes: z.number().int().describe('Likes recorded by the gallery'),
  liked: z.boolean().describe('Whether the caller likes it (false when anonymous)'),
});

export const galleryQuery = z.object({ ...pageQueryFields });
export const galleryPageSchema = pageSchema(galleryProductSchema);
export const productIdParams = z.object({ id: z.coerce.number().int().min(1).max(2_147_483_647) });
