import type { FlashMessage } from '../../../shared/contract/index.ts';
import { CsrfField, Layout, TableScroll, type PageViewer } from '../../../shared/http/views/index.ts';
import { CONSOLE_PATH } from '../lib/console-view.ts';
import { deadBody, LISTED_DEAD_LETTERS, queuePagePath, type QueueView } from '../lib/dead-letters-view.ts';
import { jobPagePath } from '../lib/job-actions.ts';
import { ConsoleStyles } from './console-styles.tsx';
import { utc } from './format.ts';

export const purgePath = (queue: string) =>
  `/console/api/queues/${encodeURIComponent(queue)}/dead-letters/purge`;
export const replayPath = (queue: string) => `${queuePagePath(queue)}/replay`;

/**
 * One queue's dead letters: why each one died and what it carried, with replay (selected or all)
 * and purge (selected or all, after a confirmation page).
 */
export function QueuePage(props: { view: QueueView; viewer: PageViewer; flash: readonly FlashMessage[] }) {
  const { view, viewer } = props;
  const { queue, depth, dead } = view;
  return (
    <Layout title={`Queue ${queue}`} flash={props.flash} current={CONSOLE_PATH} viewer={viewer}>
      <ConsoleStyles />
      <p class="small">
        <a href={CONSOLE_PATH}>← Console</a>
      </p>
      <div class="page-head">
        <h1>{queue}</h1>
        <p class="muted">
          {depth
            ? `${depth.ready} ready, ${depth.delayed} waiting for a retry, ${depth.dead} dead.`
            : `The broker does not answer (${view.brokerError}).`}
        </p>
      </div>
      <section class="card" aria-labelledby="dead-title">
        <h2 id="dead-title">Dead letters</h2>
        {dead.length === 0 ? (
          <p class="empty">{depth ? 'None: every message of this queue was handled.' : 'Unknown.'}</p>
        ) : (
          <form method="post" action={replayPath(queue)}>
            <CsrfField token={viewer.csrfToken} />
            <input type="hidden" name="next" value={queuePagePath(queue)} />
            <input type="hidden" name="scope" value="selected" />
            <p class="small">
              {depth && depth.dead > dead.length
                ? `The oldest ${dead.length} of ${depth.dead}. Replay or purge "all" acts on every one.`
                : `${dead.length} ${dead.length === 1 ? 'message' : 'messages'}, oldest first (at most ${LISTED_DEAD_LETTERS} listed).`}
            </p>
            <DeadTable view={view} />
            <div class="actions">
              <button class="btn btn-primary" type="submit">
                Replay selected
              </button>
              <button class="btn" type="submit" formaction={purgePath(queue)}>
                Purge selected…
              </button>
            </div>
          </form>
        )}
        {dead.length > 0 ? <AllActions queue={queue} csrfToken={viewer.csrfToken} /> : null}
      </section>
    </Layout>
  );
}

function AllActions({ queue, csrfToken }: { queue: string; csrfToken: string | undefined }) {
  return (
    <div class="actions">
      <form method="post" action={replayPath(queue)}>
        <CsrfField token={csrfToken} />
        <input type="hidden" name="next" value={queuePagePath(queue)} />
        <button class="btn" type="submit">
          Replay all
        </button>
      </form>
      <form method="post" action={purgePath(queue)}>
        <CsrfField token={csrfToken} />
        <button class="btn" type="submit">
          Purge all…
        </button>
      </form>
    </div>
  );
}

function DeadTable({ view }: { view: QueueView }) {
  return (
    <TableScroll label="Dead letters">
      <table class="data">
        <thead>
          <tr>
            <th scope="col" class="pick" aria-label="Pick"></th>
            <th scope="col">Died</th>
            <th scope="col">Kind</th>
            <th scope="col">Reason and body</th>
          </tr>
        </thead>
        <tbody>
          {view.dead.map((message) => {
            const { envelope } = message;
            return (
              <tr>
                <td class="pick">
                  <input
                    type="checkbox"
                    name="ids"
                    value={message.deadId}
                    aria-label={`Pick dead letter ${message.deadId}`}
                  />
                </td>
                <td class="nowrap">{message.deadAt ? utc(message.deadAt, 'second') : '?'}</td>
                <td>
                  {envelope ? envelope.kind : <span class="quiet">not an envelope</span>}
                  {envelope?.jobId ? (
                    <div class="small">
                      <a href={jobPagePath(envelope.jobId)}>its job</a>
                    </div>
                  ) : null}
                </td>
                <td class="error-cell">
                  {message.error}
                  <details class="dead-body">
                    <summary>{envelope ? `payload (attempt ${envelope.attempt})` : 'raw body'}</summary>
                    <pre class="json">{deadBody(message)}</pre>
                  </details>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
}
