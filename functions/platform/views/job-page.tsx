import type { FlashMessage, JobDetail, JobEvent } from '../../../shared/contract/index.ts';
import { CsrfField, Layout, type PageViewer } from '../../../shared/http/views/index.ts';
import { CONSOLE_PATH } from '../lib/console-view.ts';
import { ConsoleStyles } from './console-styles.tsx';
import { utc } from './format.ts';
import { jobPagePath } from '../lib/job-actions.ts';

const time = (iso: string | null) => (iso ? utc(iso, 'second') : '—');
const seconds = (from: string, to: string) => `${((Date.parse(to) - Date.parse(from)) / 1000).toFixed(2)} s`;
const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** Still moving: the page refreshes its story while the job waits or runs. */
const ACTIVE = new Set(['queued', 'running', 'retrying']);

/**
 * One job, told from start to end: its facts, every attempt (how long, why it failed, how long
 * until the next) and every operator action, its payload and result, the lines its task logged,
 * and the buttons that fit its state (retry a failed or dead job, cancel one that has not run).
 */
export function JobPage(props: { job: JobDetail; viewer: PageViewer; flash: readonly FlashMessage[] }) {
  const { job, viewer } = props;
  const live = ACTIVE.has(job.status);
  return (
    <Layout title={`Job ${job.kind}`} flash={props.flash} current={CONSOLE_PATH} viewer={viewer}>
      <ConsoleStyles />
      <p class="small">
        <a href={CONSOLE_PATH}>← Console</a>
      </p>
      <div
        id="job-story"
        {...(live
          ? {
              'hx-get': jobPagePath(job.id),
              'hx-select': '#job-story',
              'hx-trigger': 'every 2s',
              'hx-swap': 'outerHTML',
            }
          : {})}
      >
        <div class="page-head">
          <h1>
            {job.kind} <span class={`badge badge-${job.status}`}>{job.status}</span>
          </h1>
          <p class="muted">{live ? 'This page follows the job until it finishes.' : summary(job)}</p>
        </div>
        <div class="grid-2">
          <section class="card" aria-labelledby="facts-title">
            <h2 id="facts-title">Facts</h2>
            <dl class="facts">
              <dt>Job id</dt>
              <dd>
                <code>{job.id}</code>
              </dd>
              <dt>Created</dt>
              <dd>{time(job.createdAt)}</dd>
              <dt>Started</dt>
              <dd>{time(job.startedAt)}</dd>
              <dt>Finished</dt>
              <dd>{time(job.finishedAt)}</dd>
              <dt>Attempts</dt>
              <dd>{job.attempts}</dd>
              <dt>Correlation id</dt>
              <dd>
                <a href={`${CONSOLE_PATH}?correlation=${encodeURIComponent(job.correlationId)}`}>
                  {job.correlationId}
                </a>
              </dd>
            </dl>
            <JobActions job={job} csrfToken={viewer.csrfToken} />
          </section>
          <section class="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            <Timeline job={job} />
          </section>
        </div>
        <div class="grid-2">
          <section class="card" aria-labelledby="payload-title">
            <h2 id="payload-title">Payload</h2>
            <pre class="json">{pretty(job.payload)}</pre>
          </section>
          <section class="card" aria-labelledby="result-title">
            <h2 id="result-title">{job.error ? 'Error' : 'Result'}</h2>
            <pre class="json">{job.error ?? (job.result === null ? 'none yet' : pretty(job.result))}</pre>
          </section>
        </div>
        <section class="card" aria-labelledby="log-title">
          <h2 id="log-title">Log lines ({job.logLines.length})</h2>
          <LogLines job={job} />
        </section>
      </div>
    </Layout>
  );
}

function summary(job: JobDetail): string {
  const attempts = `${job.attempts} ${job.attempts === 1 ? 'attempt' : 'attempts'}`;
  switch (job.status) {
    case 'succeeded':
      return `Succeeded after ${attempts}.`;
    case 'dead':
      return `Gave up after ${attempts}: retry it once the cause is fixed.`;
    case 'failed':
      return 'It could not be queued: retry it once the broker is back.';
    case 'cancelled':
      return 'Cancelled by an operator: it will not run (again).';
    default:
      return '';
  }
}

function JobActions({ job, csrfToken }: { job: JobDetail; csrfToken: string | undefined }) {
  const button = (action: 'retry' | 'cancel', label: string, primary: boolean) => (
    <form method="post" action={`/console/api/jobs/${job.id}/${action}`}>
      <CsrfField token={csrfToken} />
      <button class={primary ? 'btn btn-primary' : 'btn'} type="submit">
        {label}
      </button>
    </form>
  );
  const retry = job.status === 'failed' || job.status === 'dead';
  const cancel = job.status === 'queued' || job.status === 'retrying';
  if (!retry && !cancel) return null;
  return (
    <div class="actions">
      {retry ? button('retry', 'Retry', true) : null}
      {cancel ? button('cancel', 'Cancel', false) : null}
    </div>
  );
}

function Timeline({ job }: { job: JobDetail }) {
  if (job.timeline.length === 0) {
    return <p class="empty">No attempt has ended yet.</p>;
  }
  return (
    <ol class="timeline">
      {job.timeline.map((event) => (
        <TimelineEntry event={event} />
      ))}
    </ol>
  );
}

function TimelineEntry({ event }: { event: JobEvent }) {
  if (event.type !== 'attempt') {
    return (
      <li>
        <strong>{event.type === 'retried' ? 'Retried' : 'Cancelled'}</strong> by {event.by}
        <div class="when">{time(event.at)}</div>
      </li>
    );
  }
  const ok = event.outcome === 'succeeded';
  return (
    <li class={ok ? 'ok' : 'bad'}>
      <strong>
        Attempt {event.attempt}: {event.outcome}
      </strong>{' '}
      after {seconds(event.startedAt, event.finishedAt)}
      <div class="when">started {time(event.startedAt)}</div>
      {event.error ? <div class="error">{event.error}</div> : null}
      {event.retryInMs !== undefined ? (
        <div class="when">next attempt {(event.retryInMs / 1000).toFixed(1)} s later</div>
      ) : null}
    </li>
  );
}

function LogLines({ job }: { job: JobDetail }) {
  if (job.logLines.length === 0) return <p class="empty">Its task logged nothing (yet).</p>;
  return (
    <ol class="log-lines">
      {job.logLines.map((line) => (
        <li>
          <span class="when">
            {line.at.slice(11, 23)} · attempt {line.attempt} ·{' '}
            <span class={`level-${line.level}`}>{line.level}</span>
          </span>
          <div>{line.msg}</div>
          {line.fields ? <code>{line.fields}</code> : null}
        </li>
      ))}
    </ol>
  );
}
