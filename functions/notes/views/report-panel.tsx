import type { Job } from '../../../shared/contract/index.ts';
import { isActive, type ReportProgress } from '../lib/report-progress.ts';
import { REPORT_PANEL_PATH, REPORT_PATH } from '../lib/paths.ts';
import { CsrfField } from '../../../shared/http/views/index.ts';
import { formatDateTime, formatRate } from './format.ts';

export const REPORT_PANEL_ID = 'report-panel';

function Stat({ label, value }: { label: string; value: string | number }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function jobLine(job: Job): string {
  switch (job.status) {
    case 'queued':
      return 'Report queued: waiting for a worker…';
    case 'running':
      return job.attempts > 1 ? `Generating the report (attempt ${job.attempts})…` : 'Generating the report…';
    case 'retrying':
      return `The report failed and will be retried: ${job.error ?? 'unknown error'}`;
    case 'failed':
    case 'dead':
      return `The report could not be generated: ${job.error ?? 'unknown error'}`;
    case 'cancelled':
      return 'The report was cancelled by an operator.';
    case 'succeeded':
      return 'Report ready.';
  }
}

/**
 * The report panel: a Generate button, the watched job's progress and the latest report. While
 * the job is queued or running, the panel re-fetches itself every 2 s (swapping itself out);
 * once it has finished it renders without the trigger, so polling stops on its own.
 */
export function ReportPanel(props: { progress: ReportProgress; csrfToken: string; notice?: string }) {
  const { progress, csrfToken, notice } = props;
  const { job, report } = progress;
  const active = isActive(job);
  const polling =
    active && job
      ? { 'hx-get': `${REPORT_PANEL_PATH}?job=${job.id}`, 'hx-trigger': 'every 2s', 'hx-swap': 'outerHTML' }
      : {};
  // A failure is news only until a newer report exists.
  const failedAfterReport =
    job &&
    (job.status === 'dead' || job.status === 'failed') &&
    (!report || report.generatedAt < job.createdAt);
  return (
    <section id={REPORT_PANEL_ID} class="card" aria-labelledby="report-title" {...polling}>
      <div class="page-head">
        <h2 id="report-title">Report</h2>
        <form
          method="post"
          action={REPORT_PATH}
          hx-post={REPORT_PATH}
          hx-target={`#${REPORT_PANEL_ID}`}
          hx-swap="outerHTML"
        >
          <CsrfField token={csrfToken} />
          <button class="btn btn-primary" type="submit" disabled={active}>
            {active ? 'Generating…' : 'Generate report'}
          </button>
        </form>
      </div>
      <div aria-live="polite">
        {notice && (
          <p class="flash flash-error" role="alert">
            {notice}
          </p>
        )}
        {job && (active || failedAfterReport) && (
          <p class={`flash ${active ? 'flash-info' : 'flash-error'}`}>
            {jobLine(job)} <a href={`/jobs/${job.id}`}>Job details</a>
          </p>
        )}
        {report ? (
          <>
            <dl class="stats">
              <Stat label="Tasks" value={report.total} />
              <Stat label="To do" value={report.todo} />
              <Stat label="In progress" value={report.inProgress} />
              <Stat label="Done" value={report.done} />
              <Stat label="Completion" value={formatRate(report.completionRate)} />
            </dl>
            <p class="muted small">
              Generated <time datetime={report.generatedAt}>{formatDateTime(report.generatedAt)}</time>. In
              the last {report.recentActivity.windowDays} days: {report.recentActivity.created} created,{' '}
              {report.recentActivity.updated} updated.
            </p>
          </>
        ) : (
          !active && <p class="empty">No report yet: generate one to see your progress.</p>
        )}
      </div>
    </section>
  );
}
