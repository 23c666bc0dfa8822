import { CsrfField, type PageViewer } from '../../../shared/http/views/index.ts';
import type { Product } from '../lib/model.ts';
import { LIST_PATH, productPagePath } from '../lib/paths.ts';
import { AdminLayout } from './admin-layout.tsx';

/** The confirmation step of a delete: the product, and one button that really deletes it. */
export function DeletePage(props: { product: Product; viewer: PageViewer }) {
  const { product } = props;
  return (
    <AdminLayout title={`Delete ${product.title}`} viewer={props.viewer}>
      <p class="small">
        <a href={LIST_PATH}>← Products</a>
      </p>
      <div class="page-head">
        <h1>Delete this product?</h1>
      </div>
      <section class="card">
        <img class="preview" src={product.image} alt="" />
        <p>
          <strong>{product.title}</strong> (#{product.id}, {product.likes.toLocaleString('en-US')}{' '}
          {product.likes === 1 ? 'like' : 'likes'}) leaves the gallery too. This cannot be undone.
        </p>
        <form method="post" action={productPagePath(product.id, 'delete')} class="actions">
          <CsrfField token={props.viewer.csrfToken} />
          <button class="btn btn-primary" type="submit">
            Delete
          </button>
          <a class="cancel" href={LIST_PATH}>
            Keep it
          </a>
        </form>
      </section>
    </AdminLayout>
  );
}
