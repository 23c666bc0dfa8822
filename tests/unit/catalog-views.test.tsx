import { describe, expect, it } from 'vitest';
import { SyncNotice } from '../../functions/catalog-admin/views/sync-notice.tsx';
import { GalleryPage } from '../../functions/catalog/views/gallery-page.tsx';

/** The Catalog pages say when one service may be behind the other, rather than show stale data as current. */
const render = (node: unknown) => String(node);
const emptyPage = { items: [], total: 0, limit: 24, offset: 0 };
const gallery = (pendingEvents: number | undefined) =>
  render(
    <GalleryPage
      page={emptyPage}
      pendingEvents={pendingEvents}
      viewer={{ user: undefined, csrfToken: undefined }}
      flash={[]}
    />,
  );

describe('the gallery', () => {
  it('says how many product changes are still being applied, or that it cannot tell', () => {
    expect(gallery(0)).not.toContain('may be behind');
    expect(gallery(1)).toContain('1 product change from the admin service is still being applied');
    expect(gallery(3)).toContain('3 product changes from the admin service are still being applied');
    expect(gallery(undefined)).toContain('The message broker does not answer');
  });

  it('asks an anonymous visitor to sign in, and offers no like button', () => {
    const page = render(
      <GalleryPage
        page={{
          ...emptyPage,
          total: 1,
          items: [{ id: 1, title: 'Lamp', image: 'https://e.x/l.png', likes: 2, liked: false }],
        }}
        pendingEvents={0}
        viewer={{ user: undefined, csrfToken: undefined, path: '/catalog/' }}
        flash={[]}
      />,
    );
    expect(page).toContain('href="/auth/login?next=%2Fcatalog%2F"');
    expect(page).not.toContain('hx-post');
    expect(page).toContain('2 likes');
  });
});

describe('the admin sync notice', () => {
  it('is in sync only when nothing waits on either side', () => {
    const notice = (unsentChanges: number, uncountedLikes: number | undefined) =>
      render(<SyncNotice status={{ unsentChanges, oldestUnsentSeconds: 4.4, uncountedLikes }} />);
    expect(notice(0, 0)).toContain('In sync');
    expect(notice(2, 0)).toContain('2 changes not yet sent to the gallery (oldest 4 s)');
    expect(notice(0, 1)).toContain('1 like from the gallery not yet counted');
    expect(notice(0, undefined)).toContain('Likes waiting to be counted: unknown');
  });
});
