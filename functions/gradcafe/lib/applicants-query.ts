import * as z from 'zod';
import type { Queryable } from '../../../shared/db/port.ts';
import { pageQueryFields, type Page } from '../../../shared/contract/pagination.ts';
import { STATUSES, type Applicant } from './model.ts';
import { degreeSchema, optionalField, termSchema } from './schemas.ts';

/**
 * Listing stored applicants, newest first, a page at a time (`limit`/`offset`, as every listing
 * of the platform), optionally filtered.
 *
 * @example
 *   const query = applicantsQuerySchema.parse({ term: 'Fall 2025', offset: '20' });
 *   const page = await listApplicants(db, query); // { items, total, limit: 20, offset: 20 }
 */
export const applicantsQuerySchema = z.object({
  ...pageQueryFields,
  term: optionalField(termSchema),
  status: optionalField(z.enum(STATUSES)),
  degree: optionalField(degreeSchema),
});

export type ApplicantsQuery = z.infer<typeof applicantsQuerySchema>;

interface ApplicantRow {
  id: number;
  url: string;
  program: string | null;
  university: string | null;
  degree: Applicant['degree'];
  term: string | null;
  status: Applicant['status'];
  decision_date: string | null;
  date_added: string | null;
  us_or_international: Applicant['citizenship'];
  gpa: number | null;
  gre: number | null;
  gre_v: number | null;
  gre_aw: number | null;
  comments: string | null;
  total: number;
}

// A null filter matches everything, so one constant statement serves every combination.
// Dates go out as text so both drivers return the same YYYY-MM-DD strings.
const LIST_SQL = `
  select
    id::float8 as id, url, program, university, degree, term, status,
    decision_date::text as decision_date, date_added::text as date_added, us_or_international,
    gpa::float8 as gpa, gre::int as gre, gre_v::int as gre_v, gre_aw::float8 as gre_aw, comments,
    count(*) over ()::int as total
  from gradcafe.applicants
  where ($1::text is null or term = $1)
    and ($2::text is null or status = $2)
    and ($3::text is null or degree = $3)
  order by id desc
  limit $4 offset $5`;

const COUNT_SQL = `
  select count(*)::int as total
  from gradcafe.applicants
  where ($1::text is null or term = $1)
    and ($2::text is null or status = $2)
    and ($3::text is null or degree = $3)`;

/** One page of applicants. An offset past the end answers no items and the real total. */
export async function listApplicants(db: Queryable, query: ApplicantsQuery): Promise<Page<Applicant>> {
  const filters = [query.term ?? null, query.status ?? null, query.degree ?? null];
  const { rows } = await db.query<ApplicantRow>(LIST_SQL, [...filters, query.limit, query.offset]);
  // Past the end the window count is missing; one count query tells the caller where the end is.
  const total = rows[0]?.total ?? (await db.query<{ total: number }>(COUNT_SQL, filters)).rows[0]!.total;
  return { items: rows.map(toApplicant), total, limit: query.limit, offset: query.offset };
}

function toApplicant(row: ApplicantRow): Applicant {
  return {
    id: row.id,
    url: row.url,
    program: row.program,
    university: row.university,
    degree: row.degree,
    term: row.term,
    status: row.status,
    decisionDate: row.decision_date,
    dateAdded: row.date_added,
    citizenship: row.us_or_international,
    gpa: row.gpa,
    gre: row.gre,
    greV: row.gre_v,
    greAw: row.gre_aw,
    comments: row.comments,
  };
}
