import { Sparkline, TableScroll } from '../../../shared/http/views/index.ts';
import type { LastHour } from '../../../shared/contract/index.ts';
import { CONSOLE_PATH } from '../lib/console-view.ts';

const seconds = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(0));

/** Each kind of job in the last hour: attempts that succeeded and failed, failures per minute, durations. */
export function ActivityCard({ kinds }: { kinds: LastHour['kinds'] }) {
  return (
    <section class="card" aria-labelledby="activity-title">
      <h2 id="activity-title">Jobs in the last hour</h2>
      {kinds.length === 0 ? (
        <p class="empty">No job attempt ended in the last hour.</p>
      ) : (
        <TableScroll label="Jobs in the last hour">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col" class="num">
                  Succeeded
                </th>
                <th scope="col" class="num">
                  Failed
                </th>
                <th scope="col">Failures per minute</th>
                <th scope="col" class="num">
                  Median
                </th>
                <th scope="col" class="num">
                  95th pct
                </th>
              </tr>
            </thead>
            <tbody>
              {kinds.map((kind) => (
                <tr>
                  <th scope="row">
                    <a href={`${CONSOLE_PATH}?kind=${encodeURIComponent(kind.kind)}&window=hour`}>
                      {kind.kind}
                    </a>
                  </th>
                  <td class="num">{kind.succeeded.toLocaleString('en-US')}</td>
                  <td class="num">
                    {kind.failed > 0 ? (
                      <a
                        href={`${CONSOLE_PATH}?kind=${encodeURIComponent(kind.kind)}&state=problems&window=hour`}
                      >
                        {kind.failed.toLocaleString('en-US')}
                      </a>
                    ) : (
                      0
                    )}
                  </td>
                  <td>
                    {kind.failed > 0 ? (
                      <Sparkline
                        label={`${kind.failed} failed attempts in the last hour, per minute`}
                        values={kind.failedPerMinute}
                        tone="bad"
                      />
                    ) : (
                      <span class="quiet">none</span>
                    )}
                  </td>
                  <td class="num">{seconds(kind.p50)} s</td>
                  <td class="num">{seconds(kind.p95)} s</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
