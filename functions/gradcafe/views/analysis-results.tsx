import { BarChart, TableScroll } from '../../../shared/http/views/index.ts';
import type { AnalysisSnapshot } from '../lib/analysis-snapshots.ts';
import { formatCount, formatFixed, formatPercent } from './format.ts';

function Stat({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd>
        {value} {note && <small>{note}</small>}
      </dd>
    </div>
  );
}

/** The answers of one analysis snapshot. */
export function AnalysisAnswers({ snapshot }: { snapshot: AnalysisSnapshot }) {
  const { results: r, params } = snapshot;
  const term = params.term ?? 'no term';
  const reported = (n: number) => `of ${formatCount(n)} reporting`;
  return (
    <section class="card" aria-labelledby="answers-title">
      <h2 id="answers-title">Answers</h2>
      <dl class="stats">
        <Stat label={`Entries for ${term}`} value={formatCount(r.term.entries)} />
        <Stat
          label="International applicants"
          value={formatPercent(r.percentInternational)}
          note="of all entries"
        />
        <Stat label={`Acceptance rate, ${term}`} value={formatPercent(r.term.acceptanceRate)} />
        <Stat
          label="Average GPA"
          value={formatFixed(r.averages.gpa)}
          note={reported(r.averages.reported.gpa)}
        />
        <Stat
          label="Average GRE Quant"
          value={formatFixed(r.averages.gre)}
          note={reported(r.averages.reported.gre)}
        />
        <Stat
          label="Average GRE Verbal"
          value={formatFixed(r.averages.greV)}
          note={reported(r.averages.reported.greV)}
        />
        <Stat
          label="Average GRE AW"
          value={formatFixed(r.averages.greAw)}
          note={reported(r.averages.reported.greAw)}
        />
        <Stat
          label={`Average GPA of American applicants, ${term}`}
          value={formatFixed(r.term.avgGpaAmerican)}
        />
        <Stat
          label={`Average GPA of accepted applicants, ${term}`}
          value={formatFixed(r.term.avgGpaAccepted)}
        />
        <Stat
          label={`${r.program.university}, ${r.program.degree} in ${r.program.program}`}
          value={formatCount(r.program.entries)}
          note="applicants"
        />
      </dl>
    </section>
  );
}

/** Entries per term, latest first. */
export function EntriesPerTerm({ snapshot }: { snapshot: AnalysisSnapshot }) {
  const { entriesPerTerm, totalEntries } = snapshot.results;
  return (
    <section class="card" aria-labelledby="terms-title">
      <h2 id="terms-title">Entries per term</h2>
      <BarChart
        title="Entries per term, latest first"
        bars={entriesPerTerm.map((row) => ({ label: row.term, value: row.entries }))}
      />
      <details>
        <summary>The same as a table</summary>
        <TableScroll label="Entries per term">
          <table class="data">
            <caption>{`${formatCount(totalEntries)} entries in total; entries without a readable term are not listed.`}</caption>
            <thead>
              <tr>
                <th scope="col">Term</th>
                <th scope="col" class="num">
                  Entries
                </th>
              </tr>
            </thead>
            <tbody>
              {entriesPerTerm.map((row) => (
                <tr>
                  <th scope="row">{row.term}</th>
                  <td class="num">{formatCount(row.entries)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      </details>
    </section>
  );
}
