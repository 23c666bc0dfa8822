import type { Queryable } from '../../../shared/db/port.ts';
import type { Applicant } from './model.ts';

/**
 * Writes of `gradcafe.applicants`. Column order is shared by the multi-row insert and the
 * COPY used by the initial load.
 */
const COLUMN_NAMES = [
  'id',
  'url',
  'program',
  'university',
  'degree',
  'term',
  'status',
  'decision_date',
  'date_added',
  'us_or_international',
  'gpa',
  'gre',
  'gre_v',
  'gre_aw',
  'comments',
] as const;

function toRow(a: Applicant): unknown[] {
  return [
    a.id,
    a.url,
    a.program,
    a.university,
    a.degree,
    a.term,
    a.status,
    a.decisionDate,
    a.dateAdded,
    a.citizenship,
    a.gpa,
    a.gre,
    a.greV,
    a.greAw,
    a.comments,
  ];
}

// One statement for the whole batch: each column travels as one array parameter (in
// COLUMN_NAMES order), so the SQL is constant and the insert runs at bulk speed.
const INSERT_SQL = `
  insert into gradcafe.applicants (
    id, url, program, university, degree, term, status, decision_date, date_added,
    us_or_international, gpa, gre, gre_v, gre_aw, comments
  )
  select * from unnest(
    $1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[],
    $9::date[], $10::text[], $11::numeric[], $12::smallint[], $13::smallint[], $14::numeric[], $15::text[]
  )
  on conflict (url) do nothing`;

/** Insert applicants not stored yet; returns how many were new. */
export async function insertApplicants(db: Queryable, applicants: readonly Applicant[]): Promise<number> {
  if (applicants.length === 0) return 0;
  const rows = applicants.map(toRow);
  const columns = COLUMN_NAMES.map((_, i) => rows.map((row) => row[i]));
  const { rowCount } = await db.query(INSERT_SQL, columns);
  return rowCount;
}

/** Bulk-load applicants into an empty table with COPY (the initial load). */
export async function copyApplicants(db: Queryable, applicants: readonly Applicant[]): Promise<number> {
  return db.copyFrom('gradcafe.applicants', COLUMN_NAMES, applicants.map(toRow));
}
