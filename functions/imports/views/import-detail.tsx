import type { FlashMessage } from '../../../shared/contract/index.ts';
import type { Page } from '../../../shared/contract/pagination.ts';
import { Pager, TableScroll, type PageViewer } from '../../../shared/http/views/index.ts';
import type { FailedRow, ImportRecord } from '../lib/imports-store.ts';
import { failedRowsCsvPath, importPath, importProgressPath, PAGE_PATH } from '../lib/paths.ts';
import { formatBytes, formatCount, formatDateTime, formatDuration } from './format.ts';
import { ImportProgress, isActive } from './import-progress.tsx';
import { ImportsLayout } from './imports-layout.tsx';

export interface ImportDetailProps {
  row: ImportRecord;
  failed: Page<FailedRow>;
  rules: { rule: string; count: number }[];
  rule: string | undefined;
  viewer: PageViewer;
  flash: readonly FlashMessage[];
}

/** The summary card of an import; polls itself (every 2 s) while the import is queued or running. */
export function ImportSummary({ row }: { row: ImportRecord }) {
  const polling = isActive(row)
    ? { 'hx-get': importProgressPath(row.id), 'hx-trigger': 'every 2s', 'hx-swap': 'outerHTML' }
    : {};
  const stat = (label: string, value: string) => (
    <div class="stat">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
  return (
    <section id="import-summary" class="card" aria-labelledby="summary-title" {...polling}>
      <div class="page-head">
        <h2 id="summary-title">
          Import #{row.id} <span class={`badge badge-${row.status}`}>{row.status}</span>
        </h2>
      </div>
      <p aria-live="polite">
        <ImportProgress row={row} />
      </p>
      <dl class="stats">
        {stat('Rows in the file', formatCount(row.rowsTotal ?? row.rowsRead))}
        {stat('Loaded', formatCount(row.rowsLoaded))}
        {stat('Failed', formatCount(row.rowsFailed))}
        {stat('Duration', formatDuration(row.durationSeconds))}
      </dl>
      <p class="small muted">
        {row.fileName} · {formatBytes(row.sizeBytes)} · from {row.source} · queued{' '}
        {formatDateTime(row.createdAt)} · finished {formatDateTime(row.finishedAt)} · SHA-256{' '}
        <code>{row.checksum.slice(0, 12)}…</code>
        {row.jobId && (
          <>
            {' '}
            · <a href={`/jobs/${row.jobId}`}>job</a>
          </>
        )}
        {row.duplicateOf && (
          <>
            {' '}
            · same content as <a href={importPath(row.duplicateOf)}>import #{row.duplicateOf}</a>
          </>
        )}
      </p>
    </section>
  );
}

export function ImportDetail(props: ImportDetailProps) {
  const { row, failed, rules, rule } = props;
  const params: Record<string, string> = rule ? { rule } : {};
  const csvHref = `${failedRowsCsvPath(row.id)}${rule ? `?rule=${encodeURIComponent(rule)}` : ''}`;
  return (
    <ImportsLayout title={`Import #${row.id}`} viewer={props.viewer} flash={props.flash}>
      <p class="small">
        <a href={PAGE_PATH}>← All imports</a>
      </p>
      <h1>{row.fileName}</h1>
      <ImportSummary row={row} />
      <section class="card" aria-labelledby="failed-title">
        <div class="page-head">
          <h2 id="failed-title">Failed rows</h2>
          {failed.total > 0 && (
            <a class="btn" href={csvHref} download>
              Download CSV
            </a>
          )}
        </div>
        {rules.length > 0 && (
          <nav class="rules small" aria-label="Filter by reason">
            <a href={importPath(row.id)} aria-current={rule ? undefined : 'page'}>
              All ({formatCount(rules.reduce((n, r) => n + r.count, 0))})
            </a>
            {rules.map((r) => (
              <a
                href={`${importPath(row.id)}?rule=${r.rule}`}
                aria-current={r.rule === rule ? 'page' : undefined}
              >
                {r.rule} ({formatCount(r.count)})
              </a>
            ))}
          </nav>
        )}
        {failed.items.length === 0 ? (
          <p class="empty">
            {isActive(row) ? 'Failed rows appear once the import has finished.' : 'No failed rows.'}
          </p>
        ) : (
          <TableScroll label="Failed rows">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Raw line</th>
                </tr>
              </thead>
              <tbody>
                {failed.items.map((f) => (
                  <tr>
                    <td class="nowrap">{f.lineNumber}</td>
                    <td class="small">
                      <span class="badge">{f.rule}</span> {f.reason}
                    </td>
                    <td>
                      <code class="raw-line">{f.rawLine}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
        <Pager page={failed} path={importPath(row.id)} params={params} />
      </section>
    </ImportsLayout>
  );
}
