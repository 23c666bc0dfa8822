import type { Queryable } from '../../../shared/db/port.ts';
import { AppError } from '../../../shared/errors.ts';
import { latestReport, type TaskReport } from './reports.ts';

/**
 * The analytics sink: each owner's latest report as one JSON document in
 * `analytics.task_reports`, upserted by owner (the reference app's manual `mongoimport
 * --mode=upsert --upsertFields owner_id`, automated by the `notes_report_finished` task).
 *
 * @example
 *   await syncReportDocument(tx, ownerId, { notBefore: '2026-03-14T09:30:00.000Z' });
 *   await readReportDocument(db, ownerId); // { schemaVersion: 1, ownerEmail, total, ..., generatedAt }
 */
export const DOCUMENT_SCHEMA_VERSION = 1;

export interface ReportDocument extends Omit<TaskReport, 'jobId'> {
  schemaVersion: number;
  ownerEmail: string;
  jobId: string | null;
}

/**
 * The report the message announced is not readable yet. The report task publishes before its
 * transaction commits (there is no outbox yet), so the sink can be first: it fails, and its
 * retry finds the committed report.
 */
export class ReportNotReadyError extends AppError {
  readonly code = 'REPORT_NOT_READY';
  readonly status = 409;
}

export function reportDocument(report: TaskReport, ownerEmail: string): ReportDocument {
  return { schemaVersion: DOCUMENT_SCHEMA_VERSION, ownerEmail, ...report };
}

/**
 * Copy the owner's latest report into the document store. `notBefore` (the announced report's
 * time) makes an older snapshot a ReportNotReadyError rather than a silent sync of stale data;
 * a newer one is synced, since it supersedes the announced one.
 */
export async function syncReportDocument(
  db: Queryable,
  ownerId: string,
  options: { notBefore?: string | undefined } = {},
): Promise<ReportDocument> {
  const report = await latestReport(db, ownerId);
  if (!report) throw new ReportNotReadyError(`No report for owner ${ownerId} yet`);
  if (options.notBefore && Date.parse(report.generatedAt) < Date.parse(options.notBefore)) {
    throw new ReportNotReadyError(
      `The report of ${options.notBefore} for owner ${ownerId} is not committed yet (latest: ${report.generatedAt})`,
    );
  }
  const { rows } = await db.query<{ email: string }>('select email from auth.users where id = $1', [ownerId]);
  const document = reportDocument(report, rows[0]?.email ?? '');
  await db.query(
    `insert into analytics.task_reports (owner_id, document, synced_at)
     values ($1, $2::jsonb, now())
     on conflict (owner_id) do update set document = excluded.document, synced_at = excluded.synced_at`,
    [ownerId, JSON.stringify(document)],
  );
  return document;
}

export async function readReportDocument(
  db: Queryable,
  ownerId: string,
): Promise<ReportDocument | undefined> {
  const { rows } = await db.query<{ document: ReportDocument }>(
    'select document from analytics.task_reports where owner_id = $1',
    [ownerId],
  );
  return rows[0]?.document;
}
