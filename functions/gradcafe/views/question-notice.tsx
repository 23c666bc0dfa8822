import type { Job } from '../../../shared/contract/index.ts';
import type { AnalysisSnapshot } from '../lib/analysis-snapshots.ts';
import { PAGE_PATH } from '../lib/trigger.ts';
import { formatDateTime } from './format.ts';
import { describeJob, isActive } from './job-summary.ts';

/** One asked question (`/gradcafe/?job=…`): its recompute job and, once it finished, its answers. */
export interface Question {
  jobId: string;
  job: Job | undefined;
  snapshot: AnalysisSnapshot | null;
}

/** Where one question's answers are shown. */
export function questionPath(jobId: string): string {
  return `${PAGE_PATH}?job=${encodeURIComponent(jobId)}`;
}

/** What was asked, in words: "Fall 2024; MIT, PhD in Physics". */
export function describeQuestion({ params }: AnalysisSnapshot): string {
  return `${params.term ?? 'no term'}; ${params.university}, ${params.degree} in ${params.program}`;
}

/**
 * Says what the page is showing for an asked question: its answers (and that everyone else sees
 * the standard view), that it is still being computed, or why it has no answers. While the job
 * is active htmx re-fetches the whole page every 2 s, so the answers replace the notice when ready.
 */
export function QuestionNotice({ question }: { question: Question }) {
  const { snapshot, job, jobId } = question;
  const back = (
    <a href={PAGE_PATH} class="nowrap">
      Back to the standard view
    </a>
  );
  if (snapshot) {
    return (
      <section class="card notice" aria-labelledby="question-title">
        <h2 id="question-title">Answers to a question: {describeQuestion(snapshot)}</h2>
        <p class="muted">
          Computed <time datetime={snapshot.computedAt}>{formatDateTime(snapshot.computedAt)}</time>.{' '}
          {snapshot.isDefault
            ? 'This is the standard question: everyone sees these figures.'
            : 'Only this link shows them; everyone else sees the standard view.'}{' '}
          {back}
        </p>
        {snapshot.results.program.entries === 0 && <NoMatchHint />}
      </section>
    );
  }
  const polling =
    job && isActive(job)
      ? {
          'hx-get': questionPath(jobId),
          'hx-trigger': 'every 2s',
          'hx-select': 'main',
          'hx-target': 'main',
          'hx-swap': 'outerHTML',
        }
      : {};
  return (
    <section class="card notice" aria-labelledby="question-title" aria-live="polite" {...polling}>
      <h2 id="question-title">Your question</h2>
      <p class="muted">
        {!job
          ? 'There is no analysis job with this id. The standard view is shown below.'
          : isActive(job)
            ? `Being computed (${describeJob(job).toLowerCase()}): its answers appear here when it finishes. The standard view is shown until then.`
            : job.status === 'succeeded'
              ? 'This job computed no answers to show.'
              : `It could not be answered: ${describeJob(job)}`}{' '}
        {back}
      </p>
    </section>
  );
}

function NoMatchHint() {
  return (
    <p>
      No entry matches this university, program and degree. Names must match the entries' own spelling: the
      question form suggests the names present.
    </p>
  );
}
