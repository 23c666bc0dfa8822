import { TableScroll } from '../../../shared/http/views/index.ts';
import type { Job } from '../../../shared/contract/index.ts';
import { formatDateTime } from './format.ts';
import { describeJob, isActive, JOB_LABELS } from './job-summary.ts';
import { questionPath } from './question-notice.tsx';
import gradcafe from '../app.ts';

export const JOBS_PANEL_PATH = gradcafe.url('/jobs-panel');

/**
 * The last GradCafe jobs. While one is queued or running the panel asks htmx to re-fetch
 * itself every 2 s (and swap itself out); once nothing is active it renders without the
 * trigger, so polling stops on its own. Only admins get links to the jobs' details.
 */
export function RecentJobs({ jobs, linkJobs }: { jobs: readonly Job[]; linkJobs: boolean }) {
  const polling = jobs.some(isActive)
    ? { 'hx-get': JOBS_PANEL_PATH, 'hx-trigger': 'every 2s', 'hx-swap': 'outerHTML' }
    : {};
  return (
    <section id="recent-jobs" class="card" aria-labelledby="recent-jobs-title" {...polling}>
      <h2 id="recent-jobs-title">Recent jobs</h2>
      {jobs.length === 0 ? (
        <p class="empty">No jobs yet. Pull data or update the analysis to start one.</p>
      ) : (
        <TableScroll label="Recent jobs">
          <table class="data" aria-live="polite">
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Status</th>
                <th scope="col">Queued</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr>
                  <td>
                    {/* A job's page in the console (payload, result, timeline) is for admins: these jobs have no other owner. */}
                    {linkJobs ? (
                      <a href={`/console/jobs/${job.id}`}>{JOB_LABELS[job.kind] ?? job.kind}</a>
                    ) : (
                      (JOB_LABELS[job.kind] ?? job.kind)
                    )}
                  </td>
                  <td>
                    <span class={`badge badge-${job.status}`}>{job.status}</span>
                  </td>
                  <td class="small nowrap">
                    <time datetime={job.createdAt}>{formatDateTime(job.createdAt)}</time>
                  </td>
                  <td class="small">
                    {describeJob(job)}
                    {job.kind === 'recompute_analytics' && job.status === 'succeeded' && (
                      <>
                        {' '}
                        <a href={questionPath(job.id)}>See its answers</a>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
