import type { Queryable } from '../../../shared/db/port.ts';
import { isStandardQuestion, type Analysis, type AnalysisParams, type AnalysisResults } from './analysis.ts';

/**
 * Stored analyses: each recompute adds one. Everyone sees the latest answer to the standard
 * question (`isDefault`); an answer to another question is read through the job that asked it.
 */
export interface AnalysisSnapshot extends Analysis {
  id: number;
  /** ISO timestamp. */
  computedAt: string;
  /** The job that computed it, if it ran as a task. */
  jobId: string | null;
  /** It answers the standard question (isStandardQuestion), so it is what every visitor sees. */
  isDefault: boolean;
}

interface SnapshotRow {
  id: number;
  computed_at: Date | string;
  params: AnalysisParams;
  results: AnalysisResults;
  job_id: string | null;
  is_default: boolean;
}

const SELECT = `select id::int as id, computed_at, params, results, job_id::text as job_id, is_default
  from gradcafe.analysis_snapshots`;

function toSnapshot(row: SnapshotRow): AnalysisSnapshot {
  return {
    id: row.id,
    computedAt: new Date(row.computed_at).toISOString(),
    params: row.params,
    results: row.results,
    jobId: row.job_id,
    isDefault: row.is_default,
  };
}

export async function saveSnapshot(
  db: Queryable,
  analysis: Analysis,
  jobId: string | null = null,
): Promise<AnalysisSnapshot> {
  const { rows } = await db.query<SnapshotRow>(
    `insert into gradcafe.analysis_snapshots (params, results, job_id, is_default)
     values ($1::jsonb, $2::jsonb, $3::uuid, $4)
     returning id::int as id, computed_at, params, results, job_id::text as job_id, is_default`,
    [JSON.stringify(analysis.params), JSON.stringify(analysis.results), jobId, isStandardQuestion(analysis)],
  );
  return toSnapshot(rows[0]!);
}

/** The latest answer to the standard question: what the page and `/api/analysis` show everyone. */
export async function latestSnapshot(db: Queryable): Promise<AnalysisSnapshot | null> {
  const { rows } = await db.query<SnapshotRow>(
    `${SELECT} where is_default order by computed_at desc, id desc limit 1`,
  );
  return rows[0] ? toSnapshot(rows[0]) : null;
}

/** The answer computed by one recompute job, once it has finished. */
export async function snapshotOfJob(db: Queryable, jobId: string): Promise<AnalysisSnapshot | null> {
  const { rows } = await db.query<SnapshotRow>(`${SELECT} where job_id = $1::uuid order by id desc limit 1`, [
    jobId,
  ]);
  return rows[0] ? toSnapshot(rows[0]) : null;
}
