import type { Page } from '../../contract/pagination.ts';

/**
 * Previous / next links for a page of `limit` items at `offset` (other query parameters kept):
 * the page side of the one pagination convention (contract/pagination.ts). Nothing when it all fits.
 *
 * @example
 *   <Pager page={page} path="/imports/" params={{ status: 'failed' }} />
 */
export function Pager({
  page,
  path,
  params = {},
}: {
  page: Page<unknown>;
  path: string;
  params?: Record<string, string>;
}) {
  if (page.total <= page.limit && page.offset === 0) return null;
  const href = (offset: number) => {
    const search = new URLSearchParams({
      ...params,
      ...(offset > 0 ? { offset: String(offset) } : {}),
    }).toString();
    return search ? `${path}?${search}` : path;
  };
  const last = Math.min(page.offset + page.limit, page.total);
  return (
    <nav class="pager small" aria-label="Pages">
      {page.offset > 0 ? <a href={href(Math.max(0, page.offset - page.limit))}>← Previous</a> : <span />}
      <span class="muted">
        {page.total === 0 ? 0 : page.offset + 1}–{last} of {page.total}
      </span>
      {last < page.total ? <a href={href(page.offset + page.limit)}>Next →</a> : <span />}
    </nav>
  );
}
