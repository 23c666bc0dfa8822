import type { Queryable } from '../../../shared/db/port.ts';
import type { Analysis, AnalysisParams, AnalysisResults } from './analysis.ts';

/** Stored analyses: each recompute adds one; readers show the latest. */
export interface AnalysisSnapshot extends Analysis {
  id: number;
  /** ISO timestamp. */
  computedAt: string;
  /** The job that computed it, if it ran as a task. */
  jobId: string | null;
}

interface SnapshotRow {
  id: number;
  computed_at: Date | string;
  params: AnalysisParams;
  results: AnalysisResults;
  job_id: string | null;
}

function toSnapshot(row: SnapshotRow): AnalysisSnapshot {
  return {
    id: row.id,
    computedAt: new Date(row.computed_at).toISOString(),
    params: row.params,
    results: row.results,
    jobId: row.job_id,
  };
}

export async function saveSnapshot(
  db: Queryable,
  analysis: Analysis,
  jobId: string | null = null,
): Promise<AnalysisSnapshot> {
  const { rows } = await db.query<SnapshotRow>(
    `insert into gradcafe.analysis_snapshots (params, results, job_id)
     values ($1::jsonb, $2::jsonb, $3::uuid)
     returning id::int as id, computed_at, params, results, job_id::text as job_id`,
    [JSON.stringify(analysis.params), JSON.stringify(analysis.results), jobId],
  );
  return toSnapshot(rows[0]!);
}

export async function latestSnapshot(db: Queryable): Promise<AnalysisSnapshot | null> {
  const { rows } = await db.query<SnapshotRow>(
    `select id::int as id, computed_at, params, results, job_id::text as job_id
     from gradcafe.analysis_snapshots
     order by computed_at desc, id desc
     limit 1`,
  );
  return rows[0] ? toSnapshot(rows[0]) : null;
}
