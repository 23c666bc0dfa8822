import { CsrfField, Sparkline, TableScroll } from '../../../shared/http/views/index.ts';
import type { ConsoleView } from '../lib/console-view.ts';
import { queuePagePath } from '../lib/dead-letters-view.ts';

const total = (values: readonly number[]) => values.reduce((sum, n) => sum + n, 0);

/** Every queue: its depth, what it handled in the last hour, and a replay of its dead letters. */
export function QueuesCard({ view, csrfToken }: { view: ConsoleView; csrfToken: string | undefined }) {
  return (
    <section class="card" aria-labelledby="queues-title">
      <h2 id="queues-title">Queues</h2>
      {view.brokerError ? (
        <p class="flash flash-error" role="alert">
          The broker does not answer ({view.brokerError}): depths are unknown. Committed messages wait in the
          outbox.
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
              <th scope="col">Handled, last hour</th>
              <th scope="col">Dead letters</th>
            </tr>
          </thead>
          <tbody>
            {view.queues.map(({ name, depth }) => {
              const processed = view.lastHour.handled[name] ?? [];
              const handled = total(processed);
              return (
                <tr>
                  <th scope="row">
                    <a href={queuePagePath(name)}>{name}</a>
                  </th>
                  <td class="num">{depth ? depth.ready : '?'}</td>
                  <td class="num">{depth ? depth.delayed : '?'}</td>
                  <td class="num">{depth ? depth.dead : '?'}</td>
                  <td class="nowrap">
                    {handled > 0 ? (
                      <>
                        <Sparkline
                          label={`${handled} handled in the last hour, per minute`}
                          values={processed}
                        />{' '}
                        {handled.toLocaleString('en-US')}
                      </>
                    ) : (
                      <span class="quiet">none</span>
                    )}
                  </td>
                  <td>
                    {depth && depth.dead > 0 ? (
                      <form method="post" action={`${queuePagePath(name)}/replay`}>
                        <CsrfField token={csrfToken} />
                        <button class="btn" type="submit" aria-label={`Replay the dead letters of ${name}`}>
                          Replay {depth.dead}
                        </button>{' '}
                        <a href={queuePagePath(name)}>see them</a>
                      </form>
                    ) : (
                      <span class="quiet">none</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
