import type { FlashMessage } from '../../../shared/contract/index.ts';
import type { Page } from '../../../shared/contract/pagination.ts';
import { inlineStyle, Layout, Pager, signInHref, type PageViewer } from '../../../shared/http/views/index.ts';
import type { GalleryProduct } from '../lib/gallery.ts';
import { GALLERY_PATH } from '../lib/paths.ts';
import { ProductCard } from './product-card.tsx';

const GalleryStyles = inlineStyle(`
.gallery { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(min(15rem, 100%), 1fr)); gap: 1rem; }
.product { border: 1px solid var(--border); border-radius: 10px; overflow: hidden; background: var(--surface); display: flex; flex-direction: column; }
.product img { width: 100%; height: auto; aspect-ratio: 4 / 3; object-fit: cover; display: block; background: var(--border); }
.product-body { padding: .75rem 1rem 1rem; display: grid; gap: .6rem; flex: 1; align-content: space-between; }
.product-title { font-size: 1.05rem; margin: 0; overflow-wrap: anywhere; }
.product-foot { display: flex; align-items: center; justify-content: space-between; gap: .5rem; min-height: 2.2rem; }
.product-foot form { margin: 0; }
.likes { font-variant-numeric: tabular-nums; font-weight: 600; }
`);

/** The gallery: every product with its likes, a sign-in prompt or like buttons, and the replica's lag. */
export function GalleryPage(props: {
  page: Page<GalleryProduct>;
  pendingEvents: number | undefined;
  viewer: PageViewer;
  flash: readonly FlashMessage[];
}) {
  const { page, viewer, pendingEvents } = props;
  return (
    <Layout title="Catalog" flash={props.flash} current={GALLERY_PATH} viewer={viewer}>
      <GalleryStyles />
      <div class="page-head">
        <h1>Catalog</h1>
        <p class="muted">
          {page.total.toLocaleString('en-US')} products.
          {viewer.user?.role === 'admin' ? (
            <>
              {' '}
              <a href="/catalog-admin/">Manage products</a>
            </>
          ) : null}
        </p>
      </div>
      <ReplicaNotice pendingEvents={pendingEvents} />
      {viewer.user ? null : (
        <p class="card small">
          <a href={signInHref(viewer.path)}>Sign in</a> to like products.
        </p>
      )}
      {page.items.length === 0 ? (
        <p class="card empty">No products yet: an admin adds them on the catalog admin page.</p>
      ) : (
        <ul class="gallery" aria-label="Products">
          {page.items.map((product) => (
            <ProductCard
              product={product}
              signedIn={viewer.user !== undefined}
              csrfToken={viewer.csrfToken}
            />
          ))}
        </ul>
      )}
      <Pager page={page} path={GALLERY_PATH} />
    </Layout>
  );
}

/** Said when the gallery may be behind the admin service: events still queued, or no way to tell. */
function ReplicaNotice({ pendingEvents }: { pendingEvents: number | undefined }) {
  if (pendingEvents === 0) return null;
  const message =
    pendingEvents === undefined
      ? 'The message broker does not answer: changes from the admin service may be waiting, and this page may be behind.'
      : `${pendingEvents.toLocaleString('en-US')} product ${pendingEvents === 1 ? 'change' : 'changes'} from the admin service ${pendingEvents === 1 ? 'is' : 'are'} still being applied: this page may be behind.`;
  return (
    <p class="flash flash-info" role="status">
      {message}
    </p>
  );
}
