import type { FlashMessage } from '../../../shared/contract/index.ts';
import type { Page } from '../../../shared/contract/pagination.ts';
import { CsrfField, type PageViewer } from '../../../shared/http/views/index.ts';
import type { ImportRecord } from '../lib/imports-store.ts';
import { PAGE_PATH } from '../lib/paths.ts';
import { formatBytes } from './format.ts';
import { HistoryTable } from './history-table.tsx';
import { ImportsLayout } from './imports-layout.tsx';

export interface ImportsPageProps {
  history: Page<ImportRecord>;
  inbox: string;
  maxBytes: number;
  itemCount: number;
  viewer: PageViewer;
  flash: readonly FlashMessage[];
}

/** The Imports page: run the daily import, upload a file, and the history with live progress. */
export function ImportsPage(props: ImportsPageProps) {
  const { viewer } = props;
  return (
    <ImportsLayout title="Imports" viewer={viewer} flash={props.flash}>
      <div class="page-head">
        <h1>Imports</h1>
        <form method="post" action={`${PAGE_PATH}trigger-job`}>
          <CsrfField token={viewer.csrfToken ?? ''} />
          <button class="btn btn-primary" type="submit">
            Run now
          </button>
        </form>
      </div>
      <p class="muted">
        The daily import loads the supplier's items file (
        <code>sku,name,category,price,quantity,updated_at</code>) into{' '}
        {props.itemCount.toLocaleString('en-US')} items. Rows that cannot be loaded are kept with their line
        and reason.
      </p>
      <div class="grid-2">
        <section class="card" aria-labelledby="upload-title">
          <h2 id="upload-title">Upload a file</h2>
          {/* Streamed to the server: htmx posts the form with the page's CSRF header (the body is not parsed first). */}
          <form
            class="upload-form"
            method="post"
            action={`${PAGE_PATH}files`}
            enctype="multipart/form-data"
            hx-post={`${PAGE_PATH}files`}
            hx-encoding="multipart/form-data"
          >
            <input type="file" name="file" accept=".csv,text/csv" required aria-label="CSV file" />
            <button class="btn" type="submit">
              Upload and import
            </button>
          </form>
          <p class="small muted">
            Up to {formatBytes(props.maxBytes)}. The same file twice is not loaded twice.
          </p>
        </section>
        <section class="card" aria-labelledby="inbox-title">
          <h2 id="inbox-title">Inbox</h2>
          <p class="small">
            Drop <code>.csv</code> files into <code>{props.inbox}</code>: the daily import (or Run now) picks
            them up.
          </p>
          <p class="small muted">
            API: <code>POST /imports/files?name=items.csv</code> with a <code>text/csv</code> body, and{' '}
            <code>POST /imports/trigger-job</code>; see <a href="/docs">/docs</a>.
          </p>
        </section>
      </div>
      <HistoryTable page={props.history} />
    </ImportsLayout>
  );
}
