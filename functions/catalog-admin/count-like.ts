import { defineTask } from '../../shared/contract/index.ts';
import { PRODUCT_LIKED_KIND, productLikedSchema } from './lib/events.ts';
import { countLike } from './lib/products.ts';

/** A like from the gallery, counted once per like id (a redelivered event counts nothing). */
export default defineTask({
  consumes: PRODUCT_LIKED_KIND,
  payload: productLikedSchema,
  concurrency: 16,
  handler: async (like, ctx) => ({ counted: await countLike(ctx.db, like) }),
});
