import { CsrfField } from '../../../shared/http/views/index.ts';
import type { GalleryProduct } from '../lib/gallery.ts';
import { likePath } from '../lib/paths.ts';

/**
 * One product of the gallery. A signed-in visitor gets a like button (htmx swaps the card for the
 * answer; without JavaScript the form posts and comes back); their own likes show as liked.
 */
export function ProductCard(props: {
  product: GalleryProduct;
  signedIn: boolean;
  csrfToken?: string | undefined;
}) {
  const { product } = props;
  const likes = `${product.likes.toLocaleString('en-US')} ${product.likes === 1 ? 'like' : 'likes'}`;
  return (
    <li class="product" id={`product-${product.id}`}>
      <img src={product.image} alt="" loading="lazy" width="400" height="300" />
      <div class="product-body">
        <h2 class="product-title">{product.title}</h2>
        <div class="product-foot">
          <span class="likes" aria-label={likes}>
            ♥ {product.likes.toLocaleString('en-US')}
          </span>
          {props.signedIn ? (
            product.liked ? (
              <span class="badge badge-succeeded">You like this</span>
            ) : (
              <form
                method="post"
                action={likePath(product.id)}
                hx-post={likePath(product.id)}
                hx-target={`#product-${product.id}`}
                hx-swap="outerHTML"
              >
                <CsrfField token={props.csrfToken} />
                <button class="btn" type="submit" aria-label={`Like ${product.title}`}>
                  Like
                </button>
              </form>
            )
          ) : null}
        </div>
      </div>
    </li>
  );
}
