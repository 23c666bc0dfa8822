import * as z from 'zod';
import type { Queryable } from '../../../shared/db/port.ts';
import { ValidationError } from '../../../shared/errors.ts';
import { STATUSES, type Applicant } from './model.ts';
import { degreeSchema, optionalField, termSchema } from './schemas.ts';

/**
 * Listing stored applicants, newest first, a page at a time, optionally filtered.
 *
 * @example
 *   const query = applicantsQuerySchema.parse({ term: 'Fall 2025', page: '2' });
 *   const page = await listApplicants(db, query); // { items, page: 2, pageSize: 20, total, totalPages }
 */
export const MAX_PAGE_SIZE = 100;
/** Deep pages cost a long scan; nobody pages this far by hand. */
export const MAX_PAGE = 10_000;

export const applicantsQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(MAX_PAGE).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
  term: optionalField(termSchema),
  status: optionalField(z.enum(STATUSES)),
  degree: optionalField(degreeSchema),
});

export type ApplicantsQuery = z.infer<typeof applicantsQuerySchema>;

export interface ApplicantsPage {
  items: Applicant[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

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

/**
 * One page of applicants. A page past the last one is a ValidationError (400) naming the
 * last page, rather than a silent empty list; page 1 of an empty result is fine.
 */
export async function listApplicants(db: Queryable, query: ApplicantsQuery): Promise<ApplicantsPage> {
  const filters = [query.term ?? null, query.status ?? null, query.degree ?? null];
  const offset = (query.page - 1) * query.pageSize;
  const { rows } = await db.query<ApplicantRow>(LIST_SQL, [...filters, query.pageSize, offset]);
  // Past the end the window count is missing; one count query tells the caller where the end is.
  const total = rows[0]?.total ?? (await db.query<{ total: number }>(COUNT_SQL, filters)).rows[0]!.total;
  const totalPages = Math.ceil(total / query.pageSize);
  if (query.page > Math.max(1, totalPages)) {
    throw new ValidationError(`page ${query.page} is past the last page (${Math.max(1, totalPages)})`, {
      details: { page: query.page, lastPage: Math.max(1, totalPages), total },
    });
  }
  return { items: rows.map(toApplicant), page: query.page, pageSize: query.pageSize, total, totalPages };
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
