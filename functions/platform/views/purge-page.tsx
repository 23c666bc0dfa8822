import { CsrfField, Layout, type PageViewer } from '../../../shared/http/views/index.ts';
import { CONSOLE_PATH } from '../lib/console-view.ts';
import { queuePagePath } from '../lib/dead-letters-view.ts';
import { ConsoleStyles } from './console-styles.tsx';
import { purgePath } from './queue-page.tsx';

/** The confirmation step of a purge: how many messages go, and one button that really deletes them. */
export function PurgePage(props: {
  queue: string;
  /** The picked dead letters; undefined for all of them. */
  ids: readonly string[] | undefined;
  dead: number | null;
  viewer: PageViewer;
}) {
  const { queue, ids, viewer } = props;
  const what = ids
    ? `the ${ids.length} picked dead ${ids.length === 1 ? 'letter' : 'letters'}`
    : `every dead letter${props.dead === null ? '' : ` (${props.dead})`}`;
  return (
    <Layout title={`Purge ${queue}`} current={CONSOLE_PATH} viewer={viewer}>
      <ConsoleStyles />
      <p class="small">
        <a href={queuePagePath(queue)}>← {queue}</a>
      </p>
      <div class="page-head">
        <h1>Purge dead letters?</h1>
      </div>
      <section class="card">
        <p>
          This deletes {what} of <strong>{queue}</strong> for good: they can no longer be replayed. Their jobs
          stay dead in the job list.
        </p>
        <form method="post" action={purgePath(queue)} class="actions">
          <CsrfField token={viewer.csrfToken} />
          <input type="hidden" name="confirm" value="yes" />
          <input type="hidden" name="scope" value={ids ? 'selected' : 'all'} />
          {(ids ?? []).map((id) => (
            <input type="hidden" name="ids" value={id} />
          ))}
          <button class="btn btn-primary" type="submit">
            Delete them
          </button>
          <a class="cancel" href={queuePagePath(queue)}>
            Keep them
          </a>
        </form>
      </section>
    </Layout>
  );
}
