import { defineHttp, redirect } from '../../shared/contract/index.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { partial } from '../../shared/http/views/index.ts';
import { galleryProduct, likeProduct, type GalleryProduct } from './lib/gallery.ts';
import { productIdParams } from './lib/model.ts';
import { GALLERY_PATH } from './lib/paths.ts';
import { ProductCard } from './views/product-card.tsx';

/** The gallery's like button: htmx gets the product's card back, a plain form post the gallery. */
export default defineHttp({
  method: 'POST',
  path: '/products/:id/like',
  summary: 'Catalog page: like a product',
  hidden: true,
  auth: 'user',
  params: productIdParams,
  handler: async (req, ctx) => {
    const { id } = req.params;
    let product: GalleryProduct;
    try {
      product = await likeProduct(ctx, id, req.user.id);
    } catch (err) {
      if (err instanceof NotFoundError) {
        if (req.htmx) return partial('');
        return redirect(GALLERY_PATH, {
          flash: { type: 'error', message: 'That product is no longer listed.' },
        });
      }
      // A second click (another tab, a double submit): already liked, so show it liked.
      if (!(err instanceof ValidationError)) throw err;
      product = await galleryProduct(ctx.db, id, req.user.id);
    }
    if (!req.htmx)
      return redirect(GALLERY_PATH, { flash: { type: 'success', message: `You like “${product.title}”.` } });
    return partial(<ProductCard product={product} signedIn csrfToken={await req.csrfToken()} />);
  },
});
