import { defineHttp, json } from '../../shared/contract/index.ts';
import { listGallery } from './lib/gallery.ts';
import { galleryPageSchema, galleryQuery } from './lib/model.ts';

export default defineHttp({
  method: 'GET',
  path: '/api/products',
  summary: 'The products of the gallery, with their likes',
  description:
    'Public. Paginated (`limit` 1..100, `offset`), newest first. A signed-in caller sees which it likes.',
  auth: 'public',
  query: galleryQuery,
  responses: { 200: { description: 'One page of products', schema: galleryPageSchema } },
  handler: async ({ query, user }, ctx) => json(await listGallery(ctx.db, { ...query, userId: user?.id })),
});
