import type { ScheduleInfo } from '../lib/schedules.ts';
import { CsrfField, TableScroll } from '../../../shared/http/views/index.ts';
import { jobPagePath } from '../lib/job-actions.ts';
import { utc } from './format.ts';

/** Every schedule: its cron, when it runs next, how its last run went, and a "Run now" button. */
export function SchedulesCard(props: { schedules: readonly ScheduleInfo[]; csrfToken: string | undefined }) {
  return (
    <section class="card" aria-labelledby="schedules-title">
      <h2 id="schedules-title">Schedules</h2>
      <TableScroll label="Schedules">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">Cron (UTC)</th>
              <th scope="col">Next run</th>
              <th scope="col">Last run</th>
              <th scope="col">
                <span class="quiet">Run</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.schedules.map((schedule) => (
              <tr>
                <th scope="row">
                  {schedule.name}
                  <div class="small quiet">→ {schedule.publishes}</div>
                </th>
                <td class="nowrap">
                  {schedule.cron ? <code>{schedule.cron}</code> : <span class="quiet">off</span>}
                </td>
                <td class="nowrap">{schedule.nextRun ? utc(schedule.nextRun) : '—'}</td>
                <td class="nowrap">
                  {schedule.lastRun ? (
                    <a href={jobPagePath(schedule.lastRun.id)}>
                      {utc(schedule.lastRun.createdAt)}{' '}
                      <span class={`badge badge-${schedule.lastRun.status}`}>{schedule.lastRun.status}</span>
                    </a>
                  ) : (
                    <span class="quiet">never</span>
                  )}
                </td>
                <td>
                  <form
                    method="post"
                    action={`/console/api/schedules/${encodeURIComponent(schedule.name)}/run`}
                  >
                    <CsrfField token={props.csrfToken} />
                    <button class="btn" type="submit" aria-label={`Run ${schedule.name} now`}>
                      Run now
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
    </section>
  );
}
