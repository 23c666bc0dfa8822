import type { FlashMessage } from '../../../shared/contract/index.ts';
import type { Page } from '../../../shared/contract/pagination.ts';
import { Pager, TableScroll, type PageViewer } from '../../../shared/http/views/index.ts';
import type { Product } from '../lib/model.ts';
import { LIST_PATH, NEW_PRODUCT_PATH, productPagePath } from '../lib/paths.ts';
import type { SyncStatus } from '../lib/sync-status.ts';
import { AdminLayout } from './admin-layout.tsx';
import { SyncNotice } from './sync-notice.tsx';

/** The product list: previews, like counts, edit and delete links, and where the sync stands. */
export function AdminPage(props: {
  page: Page<Product>;
  status: SyncStatus;
  viewer: PageViewer;
  flash: readonly FlashMessage[];
}) {
  const { page } = props;
  return (
    <AdminLayout title="Catalog admin" viewer={props.viewer} flash={props.flash}>
      <div class="page-head">
        <h1>Catalog admin</h1>
        <p class="muted">
          The products of the <a href="/catalog/">gallery</a>. Changes reach it as events; its likes come back
          the same way and are counted here.
        </p>
      </div>
      <SyncNotice status={props.status} />
      <section class="card" aria-labelledby="products-title">
        <div class="toolbar">
          <h2 id="products-title">Products ({page.total.toLocaleString('en-US')})</h2>
          <a class="btn btn-primary" href={NEW_PRODUCT_PATH}>
            New product
          </a>
        </div>
        {page.items.length === 0 ? (
          <p class="empty">No products yet: create the first one.</p>
        ) : (
          <TableScroll label="Products">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Image</th>
                  <th scope="col">Title</th>
                  <th scope="col" class="num">
                    Likes
                  </th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((product) => (
                  <tr>
                    <td>
                      <img class="thumb" src={product.image} alt="" loading="lazy" width="72" height="54" />
                    </td>
                    <td class="title-cell">
                      {product.title}
                      <div class="url">#{product.id}</div>
                    </td>
                    <td class="num">{product.likes.toLocaleString('en-US')}</td>
                    <td>
                      <div class="row-actions">
                        <a href={productPagePath(product.id, 'edit')}>Edit</a>
                        <a class="btn-danger" href={productPagePath(product.id, 'delete')}>
                          Delete
                        </a>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <Pager page={page} path={LIST_PATH} />
      </section>
    </AdminLayout>
  );
}
