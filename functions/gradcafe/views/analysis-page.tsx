import type { FlashMessage, Job } from '../../../shared/contract/index.ts';
import gradcafe from '../app.ts';
import { Layout, type PageViewer } from '../../../shared/http/views/index.ts';
import type { AnalysisSnapshot } from '../lib/analysis-snapshots.ts';
import { AnalysisParamsForm, type AnalysisParamsFormProps } from './analysis-params-form.tsx';
import { AcceptanceByTerm, AnalysisAnswers, Distributions, EntriesPerTerm } from './analysis-results.tsx';
import { formatCount, formatDateTime } from './format.ts';
import { JobButtons } from './job-buttons.tsx';
import { QuestionNotice, type Question } from './question-notice.tsx';
import { RecentJobs } from './recent-jobs.tsx';

export interface AnalysisPageProps {
  /** The standard view: the latest answers to the standard question. */
  snapshot: AnalysisSnapshot | null;
  /** A question asked through the form (`?job=…`), shown instead when it has answers. */
  question?: Question | undefined;
  names: AnalysisParamsFormProps['names'];
  jobs: readonly Job[];
  flash: readonly FlashMessage[];
  viewer: PageViewer;
}

export function AnalysisPage({
  snapshot: standard,
  question,
  names,
  jobs,
  flash,
  viewer,
}: AnalysisPageProps) {
  const snapshot = question?.snapshot ?? standard;
  // Triggering jobs needs an admin; everyone else reads.
  const adminCsrf = viewer.user?.role === 'admin' ? viewer.csrfToken : undefined;
  return (
    <Layout title="GradCafe analysis" flash={flash} viewer={viewer} current={gradcafe.url()}>
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
        <JobButtons viewer={viewer} />
      </div>
      {question && <QuestionNotice question={question} />}
      {snapshot ? (
        <>
          <AnalysisAnswers snapshot={snapshot} />
          <div class="grid-2">
            <AcceptanceByTerm snapshot={snapshot} />
            <EntriesPerTerm snapshot={snapshot} />
          </div>
          <Distributions snapshot={snapshot} />
        </>
      ) : (
        <section class="card">
          <p class="empty">Nothing computed yet.</p>
        </section>
      )}
      <RecentJobs jobs={jobs} linkJobs={viewer.user?.role === 'admin'} />
      <AnalysisParamsForm
        csrfToken={adminCsrf}
        params={snapshot?.params ?? null}
        names={names}
        terms={snapshot?.results.entriesPerTerm.map((row) => row.term) ?? []}
      />
    </Layout>
  );
}
