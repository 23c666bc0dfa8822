import type { Child } from 'hono/jsx';
import type { FlashMessage } from '../../../shared/contract/index.ts';
import { inlineStyle, Layout, type PageViewer } from '../../../shared/http/views/index.ts';
import { LIST_PATH } from '../lib/paths.ts';

// Registered at load, so its hash is in the CSP of every answer (shared/http/views/inline-style.tsx).
const AdminStyles = inlineStyle(`
.toolbar { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; justify-content: space-between; margin-bottom: .75rem; }
.toolbar h2 { margin: 0; }
.thumb { width: 4.5rem; height: 3.4rem; object-fit: cover; border-radius: 6px; border: 1px solid var(--border); background: var(--border); display: block; }
.preview { width: 100%; max-width: 20rem; aspect-ratio: 4 / 3; object-fit: cover; border-radius: 8px; border: 1px solid var(--border); background: var(--border); display: block; }
.row-actions { display: flex; gap: .5rem; flex-wrap: wrap; }
.title-cell { min-width: 7rem; overflow-wrap: break-word; }
.url { font-size: .8rem; color: var(--muted); overflow-wrap: anywhere; }
.product-form { display: grid; gap: .9rem; max-width: 36rem; }
.product-form input { width: 100%; }
.field-error { color: var(--err-text); font-size: .85rem; margin: 0; }
.btn-danger { color: var(--err-text); }
.actions .cancel { align-self: center; padding: 0 .5rem; }
.sync { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: baseline; }
`);

/** The shell of the admin pages: the platform's Layout with the admin list as the current page. */
export function AdminLayout(props: {
  title: string;
  viewer: PageViewer;
  flash?: readonly FlashMessage[] | undefined;
  children?: Child;
}) {
  return (
    <Layout title={props.title} flash={props.flash ?? []} current={LIST_PATH} viewer={props.viewer}>
      <AdminStyles />
      {props.children}
    </Layout>
  );
}
