/**
 * The normalized shape of one GradCafe entry, as stored in `gradcafe.applicants`.
 * The enums are the allow-lists shared by the normalizer, the API filters and the
 * table's check constraints (sql/0002_gradcafe.sql), so they must stay in step.
 */
export const STATUSES = ['Accepted', 'Rejected', 'Wait listed', 'Interview', 'Other'] as const;
export type Status = (typeof STATUSES)[number];

export const DEGREES = ['Masters', 'PhD', 'MFA', 'MBA', 'JD', 'EdD', 'PsyD', 'Other'] as const;
export type Degree = (typeof DEGREES)[number];

export const CITIZENSHIPS = ['American', 'International', 'Other'] as const;
export type Citizenship = (typeof CITIZENSHIPS)[number];

export const SEASONS = ['Spring', 'Summer', 'Fall'] as const;
export type Season = (typeof SEASONS)[number];

export interface Applicant {
  /** GradCafe's own entry id, taken from the result url; increases over time. */
  id: number;
  /** Canonical `https://www.thegradcafe.com/survey/result/<id>`. */
  url: string;
  program: string | null;
  university: string | null;
  degree: Degree | null;
  /** Canonical `Fall 2025` form. */
  term: string | null;
  status: Status | null;
  /** ISO date (YYYY-MM-DD). */
  decisionDate: string | null;
  /** ISO date (YYYY-MM-DD). */
  dateAdded: string | null;
  citizenship: Citizenship | null;
  /** 0 < gpa <= 4, two decimals. */
  gpa: number | null;
  /** GRE quantitative, 130..170. */
  gre: number | null;
  /** GRE verbal, 130..170. */
  greV: number | null;
  /** GRE analytical writing, 0..6 in steps of 0.5. */
  greAw: number | null;
  comments: string | null;
}

/** The GradCafe result url for an entry id. */
export function entryUrl(id: number): string {
  return `https://www.thegradcafe.com/survey/result/${id}`;
}

/**
 * A raw entry as the feed serves it: the messy text the site shows, e.g.
 * `{ GPA: 'GPA 3.85', status: 'Accepted on 14 Mar', 'US/International': 'International' }`.
 * Any field may be missing or malformed; only the normalizer interprets it.
 */
export type RawEntry = Record<string, unknown>;
