import type { ImportRecord } from '../lib/imports-store.ts';
import { formatCount } from './format.ts';

export const isActive = (row: Pick<ImportRecord, 'status'>): boolean =>
  row.status === 'queued' || row.status === 'running';

/** A running import's progress bar (bytes of the file staged) and rows read; else its counts. */
export function ImportProgress({ row }: { row: ImportRecord }) {
  if (row.status === 'queued') return <span class="muted small">waiting for a worker…</span>;
  if (row.status === 'running') {
    const percent = row.sizeBytes > 0 ? Math.floor((row.bytesRead / row.sizeBytes) * 100) : 0;
    return (
      <span class="small">
        <progress class="import-progress" value={row.bytesRead} max={Math.max(row.sizeBytes, 1)}>
          {percent}%
        </progress>{' '}
        {percent}% · {formatCount(row.rowsRead)} rows read
      </span>
    );
  }
  if (row.status === 'failed') return <span class="small">{row.error}</span>;
  if (row.status === 'duplicate') {
    return <span class="small muted">same content as import #{row.duplicateOf}: nothing loaded twice</span>;
  }
  return (
    <span class="small">
      {formatCount(row.rowsLoaded)} loaded · {formatCount(row.rowsFailed)} failed
      {row.rowsStale ? ` · ${formatCount(row.rowsStale)} older or unchanged` : ''}
    </span>
  );
}
