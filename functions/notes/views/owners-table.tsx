import { TableScroll } from '../../../shared/http/views/index.ts';
import type { AllOwnerStats } from '../lib/stats-store.ts';
import { formatRate } from './format.ts';

/** Admins' view of every owner's counts (the same figures as GET /notes/api/stats). */
export function OwnersTable({ stats }: { stats: AllOwnerStats }) {
  const { owners, totals } = stats;
  return (
    <section class="card" aria-labelledby="owners-title">
      <h2 id="owners-title">All owners</h2>
      <TableScroll label="All owners">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Owner</th>
              <th scope="col" class="num">
                Tasks
              </th>
              <th scope="col" class="num">
                To do
              </th>
              <th scope="col" class="num">
                In progress
              </th>
              <th scope="col" class="num">
                Done
              </th>
              <th scope="col" class="num">
                Completion
              </th>
            </tr>
          </thead>
          <tbody>
            {owners.map((owner) => (
              <tr>
                <th scope="row">{owner.email}</th>
                <td class="num">{owner.total}</td>
                <td class="num">{owner.todo}</td>
                <td class="num">{owner.inProgress}</td>
                <td class="num">{owner.done}</td>
                <td class="num">{formatRate(owner.completionRate)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{`${totals.owners} ${totals.owners === 1 ? 'owner' : 'owners'}`}</th>
              <td class="num">{totals.total}</td>
              <td class="num">{totals.todo}</td>
              <td class="num">{totals.inProgress}</td>
              <td class="num">{totals.done}</td>
              <td class="num">{formatRate(totals.completionRate)}</td>
            </tr>
          </tfoot>
        </table>
      </TableScroll>
    </section>
  );
}
