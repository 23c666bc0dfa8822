import type { Page } from '../../../shared/contract/pagination.ts';
import { Pager, TableScroll } from '../../../shared/http/views/index.ts';
import type { ImportRecord } from '../lib/imports-store.ts';
import { HISTORY_PANEL_PATH, importPath } from '../lib/paths.ts';
import { formatDateTime, formatDuration } from './format.ts';
import { ImportProgress, isActive } from './import-progress.tsx';

export const HISTORY_ID = 'import-history';

/**
 * The import history. While an import is queued or running the panel re-fetches itself every
 * 2 s (swapping itself out); once none is, it renders without the trigger and polling stops.
 */
export function HistoryTable({ page }: { page: Page<ImportRecord> }) {
  const query = page.offset > 0 ? `?offset=${page.offset}` : '';
  const polling = page.items.some(isActive)
    ? { 'hx-get': `${HISTORY_PANEL_PATH}${query}`, 'hx-trigger': 'every 2s', 'hx-swap': 'outerHTML' }
    : {};
  return (
    <section id={HISTORY_ID} class="card" aria-labelledby="history-title" {...polling}>
      <h2 id="history-title">Import history</h2>
      {page.items.length === 0 ? (
        <p class="empty">No imports yet. Upload a file, or drop one into the inbox and press Run now.</p>
      ) : (
        <TableScroll label="Import history">
          <table class="data" aria-live="polite">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">When</th>
                <th scope="col">Source</th>
                <th scope="col">Status</th>
                <th scope="col">Rows</th>
                <th scope="col">Duration</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((row) => (
                <tr>
                  <td>
                    <a href={importPath(row.id)}>{row.fileName}</a> <span class="muted small">#{row.id}</span>
                  </td>
                  <td class="small nowrap">
                    <time datetime={row.createdAt}>{formatDateTime(row.createdAt)}</time>
                  </td>
                  <td class="small">{row.source}</td>
                  <td>
                    <span class={`badge badge-${row.status}`}>{row.status}</span>
                  </td>
                  <td>
                    <ImportProgress row={row} />
                  </td>
                  <td class="small nowrap">{formatDuration(row.durationSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <Pager page={page} path="/imports/" />
    </section>
  );
}
