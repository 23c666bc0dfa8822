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

/** Acceptance rate per term, latest first, beside the answers (snapshots from before it lack it). */
export function AcceptanceByTerm({ snapshot }: { snapshot: AnalysisSnapshot }) {
  const rows = snapshot.results.entriesPerTerm.filter(
    (row): row is typeof row & { acceptanceRate: number } => typeof row.acceptanceRate === 'number',
  );
  if (rows.length === 0) return null;
  return (
    <section class="card" aria-labelledby="acceptance-title">
      <h2 id="acceptance-title">Acceptance rate by term</h2>
      <BarChart
        title="Share of each term's entries that were accepted, latest term first"
        bars={rows.map((row) => ({ label: row.term, value: row.acceptanceRate }))}
        format={(value) => formatPercent(value)}
      />
    </section>
  );
}

/** How reported GPAs and GRE Quant scores spread (snapshots from before they were kept lack it). */
export function Distributions({ snapshot }: { snapshot: AnalysisSnapshot }) {
  const { distributions } = snapshot.results;
  if (!distributions) return null;
  const chart = (id: string, title: string, buckets: readonly { label: string; count: number }[]) => (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <BarChart
        title={`${title}: applicants per range`}
        bars={buckets.map((bucket) => ({ label: bucket.label, value: bucket.count }))}
      />
    </section>
  );
  return (
    <div class="grid-2">
      {chart('gpa-title', 'GPA', distributions.gpa)}
      {chart('gre-title', 'GRE Quant', distributions.gre)}
    </div>
  );
}
