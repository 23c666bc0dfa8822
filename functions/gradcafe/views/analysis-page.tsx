import type { FlashMessage, Job } from '../../../shared/contract/index.ts';
import { Layout, type PageViewer } from '../../../shared/http/views/index.ts';
import type { AnalysisSnapshot } from '../lib/analysis-snapshots.ts';
import { AnalysisParamsForm } from './analysis-params-form.tsx';
import { AnalysisAnswers, EntriesPerTerm } from './analysis-results.tsx';
import { formatCount, formatDateTime } from './format.ts';
import { JobButtons } from './job-buttons.tsx';
import { RecentJobs } from './recent-jobs.tsx';

export interface AnalysisPageProps {
  snapshot: AnalysisSnapshot | null;
  jobs: readonly Job[];
  flash: readonly FlashMessage[];
  viewer: PageViewer;
}

export function AnalysisPage({ snapshot, jobs, flash, viewer }: AnalysisPageProps) {
  // Triggering jobs needs an admin; everyone else reads.
  const adminCsrf = viewer.user?.role === 'admin' ? viewer.csrfToken : undefined;
  return (
    <Layout
      title="GradCafe analysis"
      flash={flash}
      viewer={viewer}
      nav={[{ href: '/gradcafe/', label: 'GradCafe', current: true }]}
    >
      <div class="page-head">
        <div>
          <h1>GradCafe analysis</h1>
          {snapshot ? (
            <p class="muted">
              Computed <time datetime={snapshot.computedAt}>{formatDateTime(snapshot.computedAt)}</time> over{' '}
              {formatCount(snapshot.results.totalEntries)} entries.
            </p>
          ) : (
            <p class="muted">No analysis yet: press Update Analysis to compute one.</p>
          )}
        </div>
        <JobButtons csrfToken={adminCsrf} />
      </div>
      {snapshot ? (
        <AnalysisAnswers snapshot={snapshot} />
      ) : (
        <section class="card">
          <p class="empty">Nothing computed yet.</p>
        </section>
      )}
      <div class="grid-2">
        <RecentJobs jobs={jobs} linkJobs={viewer.user?.role === 'admin'} />
        {snapshot && <EntriesPerTerm snapshot={snapshot} />}
      </div>
      <AnalysisParamsForm
        csrfToken={adminCsrf}
        params={snapshot?.params ?? null}
        terms={snapshot?.results.entriesPerTerm.map((row) => row.term) ?? []}
      />
    </Layout>
  );
}
