import type { FlashMessage, Job, OperatorAction } from '../../../shared/contract/index.ts';
import { Layout, Pager, TableScroll, type PageViewer } from '../../../shared/http/views/index.ts';
import { ConsoleStyles } from './console-styles.tsx';
import { CONSOLE_PATH, type ConsoleFilter, type ConsoleView } from '../lib/console-view.ts';
import { ActivityCard } from './console-activity.tsx';
import { QueuesCard } from './console-queues.tsx';
import { SchedulesCard } from './console-schedules.tsx';
import { jobPagePath } from '../lib/job-actions.ts';
import { JOB_STATES } from '../lib/schemas.ts';
import { utc } from './format.ts';

/**
 * The operator console: every queue's depth with a replay of its dead letters, what waits in the
 * outbox, and a job search whose default question is "what failed in the last hour, and why".
 */
export function ConsolePage(props: {
  view: ConsoleView;
  filter: ConsoleFilter;
  viewer: PageViewer;
  flash: readonly FlashMessage[];
}) {
  const { view, filter, viewer } = props;
  const params: Record<string, string> = {};
  for (const key of ['kind', 'state', 'q', 'correlation', 'window'] as const) {
    const value = filter[key];
    if (value) params[key] = value;
  }
  return (
    <Layout title="Console" flash={props.flash} current={CONSOLE_PATH} viewer={viewer}>
      <ConsoleStyles />
      <div class="page-head">
        <h1>Console</h1>
        <p class="muted">
          Queues, schedules and jobs of this deployment, on its {view.brokerError ? 'unreachable ' : ''}
          {view.queueDriver} broker. The figures above the job search refresh every 5 seconds.
        </p>
      </div>
      <div
        id="console-live"
        hx-get={CONSOLE_PATH}
        hx-select="#console-live"
        hx-trigger="every 5s"
        hx-swap="outerHTML"
      >
        <QueuesCard view={view} csrfToken={viewer.csrfToken} />
        <ActivityCard kinds={view.lastHour.kinds} />
        <SchedulesCard schedules={view.schedules} csrfToken={viewer.csrfToken} />
      </div>
      <section class="card" aria-labelledby="jobs-title">
        <h2 id="jobs-title">Jobs ({props.view.jobs.total.toLocaleString('en-US')})</h2>
        <JobSearchForm filter={filter} />
        <JobTable jobs={view.jobs.items} />
        <Pager page={view.jobs} path={CONSOLE_PATH} params={params} />
      </section>
      <RecentActions actions={view.actions} />
    </Layout>
  );
}

function JobSearchForm({ filter }: { filter: ConsoleFilter }) {
  const option = (value: string, label: string, current: string | undefined) => (
    <option value={value} selected={value === (current ?? '')}>
      {label}
    </option>
  );
  return (
    <form class="search" method="get" action={CONSOLE_PATH}>
      <label>
        Kind
        <input name="kind" value={filter.kind ?? ''} placeholder="people.sync_users" />
      </label>
      <label>
        State
        <select name="state">
          {option('', 'Any', filter.state)}
          {option('problems', 'Failed or dead', filter.state)}
          {JOB_STATES.map((state) => option(state, state, filter.state))}
        </select>
      </label>
      <label>
        Text in payload or error
        <input name="q" value={filter.q ?? ''} placeholder="a file name, an error, a job id" />
      </label>
      <label>
        Created
        <select name="window">
          {option('', 'Any time', filter.window)}
          {option('hour', 'Last hour', filter.window)}
          {option('day', 'Last day', filter.window)}
          {option('week', 'Last week', filter.window)}
        </select>
      </label>
      <button class="btn btn-primary" type="submit">
        Search
      </button>
      {filter.correlation ? <input type="hidden" name="correlation" value={filter.correlation} /> : null}
      <a href={`${CONSOLE_PATH}?state=problems&window=hour`}>What failed in the last hour?</a>
      {filter.correlation ? (
        <p class="small">
          Only the jobs of correlation id <code>{filter.correlation}</code>.{' '}
          <a href={CONSOLE_PATH}>Show all jobs</a>
        </p>
      ) : null}
    </form>
  );
}

function JobTable({ jobs }: { jobs: readonly Job[] }) {
  if (jobs.length === 0) return <p class="empty">No job matches.</p>;
  return (
    <TableScroll label="Jobs">
      <table class="data">
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Kind</th>
            <th scope="col">State</th>
            <th scope="col" class="num">
              Attempts
            </th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr>
              <td class="nowrap">
                <a href={jobPagePath(job.id)} title={job.id}>
                  {utc(job.createdAt)}
                </a>
              </td>
              <td>{job.kind}</td>
              <td>
                <span class={`badge badge-${job.status}`}>{job.status}</span>
              </td>
              <td class="num">{job.attempts}</td>
              <td class="error-cell">{job.error ? job.error.slice(0, 300) : <span class="quiet">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** Who did what from the console, newest first: replays, purges, retries, cancels. */
function RecentActions({ actions }: { actions: readonly OperatorAction[] }) {
  return (
    <section class="card" aria-labelledby="actions-title">
      <h2 id="actions-title">Recent actions</h2>
      {actions.length === 0 ? (
        <p class="empty">Nobody has replayed, purged, retried or cancelled anything yet.</p>
      ) : (
        <TableScroll label="Recent actions">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">On</th>
                <th scope="col" class="num">
                  How many
                </th>
              </tr>
            </thead>
            <tbody>
              {actions.map((action) => (
                <tr>
                  <td class="nowrap">{utc(action.at)}</td>
                  <td>{action.actor}</td>
                  <td>{action.action}</td>
                  <td>{action.target}</td>
                  <td class="num">{action.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
