import type { FlashMessage, Job } from '../../../shared/contract/index.ts';
import {
  CsrfField,
  inlineStyle,
  Layout,
  Pager,
  TableScroll,
  type PageViewer,
} from '../../../shared/http/views/index.ts';
import { CONSOLE_PATH, type ConsoleFilter, type ConsoleView } from '../lib/console-view.ts';
import { JOB_STATES } from '../lib/schemas.ts';

const ConsoleStyles = inlineStyle(`
.search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: .75rem; }
.search label { min-width: 9rem; }
.error-cell { max-width: 28rem; overflow-wrap: anywhere; color: var(--err-text); }
.quiet { color: var(--muted); }
td form { margin: 0; }
`);

const when = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

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
  for (const key of ['kind', 'state', 'q', 'window'] as const) {
    const value = filter[key];
    if (value) params[key] = value;
  }
  return (
    <Layout title="Console" flash={props.flash} current={CONSOLE_PATH} viewer={viewer}>
      <ConsoleStyles />
      <div class="page-head">
        <h1>Console</h1>
        <p class="muted">
          Queues, dead letters and jobs, on the {view.brokerError ? 'unreachable ' : ''}broker this deployment
          uses.
        </p>
      </div>
      <section class="card" aria-labelledby="queues-title">
        <h2 id="queues-title">Queues</h2>
        {view.brokerError ? (
          <p class="flash flash-error" role="alert">
            The broker does not answer ({view.brokerError}): depths are unknown. Committed messages wait in
            the outbox.
          </p>
        ) : null}
        <p class="small">
          Outbox:{' '}
          {view.outbox.pending === 0
            ? 'empty, every committed message has been sent.'
            : `${view.outbox.pending.toLocaleString('en-US')} waiting, the oldest for ${Math.round(view.outbox.lagSeconds)} s.`}
        </p>
        <TableScroll label="Queues">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col" class="num">
                  Ready
                </th>
                <th scope="col" class="num">
                  Delayed
                </th>
                <th scope="col" class="num">
                  Dead
                </th>
                <th scope="col">Dead letters</th>
              </tr>
            </thead>
            <tbody>
              {view.queues.map(({ name, depth }) => (
                <tr>
                  <th scope="row">{name}</th>
                  <td class="num">{depth ? depth.ready : '?'}</td>
                  <td class="num">{depth ? depth.delayed : '?'}</td>
                  <td class="num">{depth ? depth.dead : '?'}</td>
                  <td>
                    {depth && depth.dead > 0 ? (
                      <form
                        method="post"
                        action={`${CONSOLE_PATH}/queues/${encodeURIComponent(name)}/replay`}
                      >
                        <CsrfField token={viewer.csrfToken} />
                        <button class="btn" type="submit" aria-label={`Replay the dead letters of ${name}`}>
                          Replay {depth.dead}
                        </button>{' '}
                        <a href={`/queues/${encodeURIComponent(name)}/dead-letters`}>see them</a>
                      </form>
                    ) : (
                      <span class="quiet">none</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </section>
      <section class="card" aria-labelledby="jobs-title">
        <h2 id="jobs-title">Jobs ({props.view.jobs.total.toLocaleString('en-US')})</h2>
        <JobSearchForm filter={filter} />
        <JobTable jobs={view.jobs.items} />
        <Pager page={view.jobs} path={CONSOLE_PATH} params={params} />
      </section>
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
      <a href={`${CONSOLE_PATH}?state=problems&window=hour`}>What failed in the last hour?</a>
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
                <a href={`/jobs/${job.id}`} title={job.id}>
                  {when(job.createdAt)}
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
