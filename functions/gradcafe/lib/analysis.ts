import type { Queryable } from '../../../shared/db/port.ts';
import type { Degree } from './model.ts';
import type { AnalysisParamsInput } from './schemas.ts';
import { termSortKey } from './terms.ts';

/**
 * The GradCafe analysis: the questions the original app answered, computed in SQL over
 * `gradcafe.applicants`. Averages only count applicants who report the figure; figures are
 * rounded to two decimals and null when there is nothing to average.
 *
 * @example
 *   const { params, results } = await computeAnalysis(tx, { term: 'Fall 2025' });
 *   results.term.acceptanceRate; // 38.46
 */
export interface AnalysisParams {
  /** The term the per-term questions ask about; null only when there is no data at all. */
  term: string | null;
  university: string;
  program: string;
  degree: Degree;
}

export const DEFAULT_FOCUS = {
  university: 'Johns Hopkins University',
  program: 'Computer Science',
  degree: 'Masters',
} as const satisfies Omit<AnalysisParams, 'term'>;

/**
 * Whether an analysis answers the standard question, the latest term and the default program,
 * however it was asked (a form sends every field, an API call may send none).
 */
export function isStandardQuestion({ params, results }: Analysis): boolean {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return (
    params.term === (results.entriesPerTerm[0]?.term ?? null) &&
    same(params.university, DEFAULT_FOCUS.university) &&
    same(params.program, DEFAULT_FOCUS.program) &&
    params.degree === DEFAULT_FOCUS.degree
  );
}

export interface AnalysisResults {
  totalEntries: number;
  /** Latest term first, with the share of its entries that were accepted, in percent. */
  entriesPerTerm: { term: string; entries: number; acceptanceRate?: number | null }[];
  /**
   * How reported GPAs and GRE Quant scores spread, as counts per range, lowest first (the edge
   * ranges gather everything beyond them). Absent from snapshots computed before they existed.
   */
  distributions?: { gpa: Bucket[]; gre: Bucket[] };
  /** Share of all entries from international applicants, in percent. */
  percentInternational: number | null;
  averages: {
    gpa: number | null;
    gre: number | null;
    greV: number | null;
    greAw: number | null;
    /** How many applicants reported each figure. */
    reported: { gpa: number; gre: number; greV: number; greAw: number };
  };
  term: {
    term: string | null;
    entries: number;
    /** Accepted entries of the term, in percent of the term's entries. */
    acceptanceRate: number | null;
    avgGpaAmerican: number | null;
    avgGpaAccepted: number | null;
  };
  program: { university: string; program: string; degree: Degree; entries: number };
}

export interface Bucket {
  label: string;
  count: number;
}

export interface Analysis {
  params: AnalysisParams;
  results: AnalysisResults;
}

interface FigureRow {
  total: number;
  percent_international: number | null;
  avg_gpa: number | null;
  avg_gre: number | null;
  avg_gre_v: number | null;
  avg_gre_aw: number | null;
  reported_gpa: number;
  reported_gre: number;
  reported_gre_v: number;
  reported_gre_aw: number;
  term_entries: number;
  term_acceptance_rate: number | null;
  term_avg_gpa_american: number | null;
  term_avg_gpa_accepted: number | null;
  program_entries: number;
}

// One pass over the table; every figure is a filtered aggregate. Casts to int/float8 so
// both drivers hand back plain JS numbers (numeric and bigint arrive as strings).
const FIGURES_SQL = `
  select
    count(*)::int as total,
    round(100.0 * count(*) filter (where us_or_international = 'International') / nullif(count(*), 0), 2)::float8
      as percent_international,
    round(avg(gpa), 2)::float8 as avg_gpa,
    round(avg(gre), 2)::float8 as avg_gre,
    round(avg(gre_v), 2)::float8 as avg_gre_v,
    round(avg(gre_aw), 2)::float8 as avg_gre_aw,
    count(gpa)::int as reported_gpa,
    count(gre)::int as reported_gre,
    count(gre_v)::int as reported_gre_v,
    count(gre_aw)::int as reported_gre_aw,
    count(*) filter (where term = $1)::int as term_entries,
    round(100.0 * count(*) filter (where term = $1 and status = 'Accepted')
      / nullif(count(*) filter (where term = $1), 0), 2)::float8 as term_acceptance_rate,
    round(avg(gpa) filter (where term = $1 and us_or_international = 'American'), 2)::float8
      as term_avg_gpa_american,
    round(avg(gpa) filter (where term = $1 and status = 'Accepted'), 2)::float8 as term_avg_gpa_accepted,
    count(*) filter (
      where lower(university) = lower($2) and lower(program) = lower($3) and degree = $4
    )::int as program_entries
  from gradcafe.applicants`;

export async function computeAnalysis(db: Queryable, input: AnalysisParamsInput = {}): Promise<Analysis> {
  const [{ rows: termRows }, distributions] = await Promise.all([
    db.query<{ term: string; entries: number; acceptanceRate: number | null }>(
      `select term, count(*)::int as entries,
         round(100.0 * count(*) filter (where status = 'Accepted') / count(*), 2)::float8 as "acceptanceRate"
       from gradcafe.applicants where term is not null group by term`,
    ),
    computeDistributions(db),
  ]);
  const entriesPerTerm = termRows.sort((a, b) => termSortKey(b.term) - termSortKey(a.term));
  const params: AnalysisParams = {
    term: input.term ?? entriesPerTerm[0]?.term ?? null,
    university: input.university ?? DEFAULT_FOCUS.university,
    program: input.program ?? DEFAULT_FOCUS.program,
    degree: input.degree ?? DEFAULT_FOCUS.degree,
  };
  const { rows } = await db.query<FigureRow>(FIGURES_SQL, [
    params.term,
    params.university,
    params.program,
    params.degree,
  ]);
  const f = rows[0]!;
  return {
    params,
    results: {
      totalEntries: f.total,
      entriesPerTerm,
      distributions,
      percentInternational: f.percent_international,
      averages: {
        gpa: f.avg_gpa,
        gre: f.avg_gre,
        greV: f.avg_gre_v,
        greAw: f.avg_gre_aw,
        reported: {
          gpa: f.reported_gpa,
          gre: f.reported_gre,
          greV: f.reported_gre_v,
          greAw: f.reported_gre_aw,
        },
      },
      term: {
        term: params.term,
        entries: f.term_entries,
        acceptanceRate: f.term_acceptance_rate,
        avgGpaAmerican: f.term_avg_gpa_american,
        avgGpaAccepted: f.term_avg_gpa_accepted,
      },
      program: {
        university: params.university,
        program: params.program,
        degree: params.degree,
        entries: f.program_entries,
      },
    },
  };
}

/**
 * GPA in quarter points from 2.75 (below it, one range) and GRE Quant in 5-point ranges from 145
 * (below it, one range): the ranges where applicants actually are, every one of them listed.
 */
const GPA_RANGES = [2.5, 2.75, 3, 3.25, 3.5, 3.75];
const GRE_RANGES = [140, 145, 150, 155, 160, 165];

async function computeDistributions(db: Queryable): Promise<{ gpa: Bucket[]; gre: Bucket[] }> {
  const { rows } = await db.query<{ figure: 'gpa' | 'gre'; low: number; count: number }>(
    `select 'gpa' as figure, least(greatest(floor(gpa * 4) / 4, 2.5), 3.75)::float8 as low, count(*)::int as count
       from gradcafe.applicants where gpa is not null group by 2
     union all
     select 'gre', least(greatest(floor(gre / 5.0) * 5, 140), 165)::float8, count(*)::int
       from gradcafe.applicants where gre is not null group by 2`,
  );
  const countOf = (figure: 'gpa' | 'gre', low: number) =>
    rows.find((row) => row.figure === figure && row.low === low)?.count ?? 0;
  const ranges = (figure: 'gpa' | 'gre', lows: number[], step: number, top: number, digits: number) =>
    lows.map((low, i) => ({
      label:
        i === 0
          ? `under ${(low + step).toFixed(digits)}`
          : i === lows.length - 1
            ? `${low.toFixed(digits)}–${top.toFixed(digits)}`
            : `${low.toFixed(digits)}–${(low + step - 10 ** -digits).toFixed(digits)}`,
      count: countOf(figure, low),
    }));
  return { gpa: ranges('gpa', GPA_RANGES, 0.25, 4, 2), gre: ranges('gre', GRE_RANGES, 5, 170, 0) };
}

/** The university and program names present, most frequent first: the question form offers them. */
export async function askableNames(
  db: Queryable,
  limit = 300,
): Promise<{ universities: string[]; programs: string[] }> {
  const names = async (column: 'university' | 'program') => {
    const { rows } = await db.query<{ name: string }>(
      `select ${column} as name from gradcafe.applicants where ${column} is not null
       group by ${column} order by count(*) desc, ${column} limit $1`,
      [limit],
    );
    return rows.map((row) => row.name);
  };
  const [universities, programs] = await Promise.all([names('university'), names('program')]);
  return { universities, programs };
}
