import type { Queryable } from '../../../shared/db/port.ts';

/**
 * One row per run of a sync in people.sync_runs. A run holds a lease it renews as it goes: a
 * second run of the same kind while one holds it is skipped (not queued twice), and a crashed
 * worker's run is taken over once its lease has expired.
 */

export type SyncKind = 'users' | 'addresses' | 'cards';

export interface SyncRun {
  id: string;
  kind: SyncKind;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  counts: Record<string, number | boolean>;
  error: string | null;
}

/** Start a run, or say which one is running. */
export async function claimRun(
  db: Queryable,
  kind: SyncKind,
  options: { leaseSeconds: number; jobId?: string | undefined },
): Promise<{ runId: string } | { running: SyncRun }> {
  await db.query(
    `update people.sync_runs
        set status = 'failed', finished_at = now(), lease_until = null,
            error = 'the worker stopped before it finished (its lease expired)'
      where kind = $1 and status = 'running' and lease_until < now()`,
    [kind],
  );
  const { rows } = await db.query<{ id: string }>(
    `insert into people.sync_runs (kind, job_id, lease_until)
     values ($1, $2, now() + make_interval(secs => $3))
     on conflict (kind) where status = 'running' do nothing
     returning id::text`,
    [kind, options.jobId ?? null, options.leaseSeconds],
  );
  if (rows[0]) return { runId: rows[0].id };
  const running = await runningRun(db, kind);
  // Finished between the two statements: rare, and the caller may simply try again later.
  return running ? { running } : claimRun(db, kind, options);
}

/** Keep the lease and show the counts so far. */
export async function renewRun(
  db: Queryable,
  runId: string,
  counts: Record<string, number | boolean>,
  leaseSeconds: number,
): Promise<void> {
  await db.query(
    `update people.sync_runs set counts = $2, lease_until = now() + make_interval(secs => $3) where id = $1`,
    [runId, JSON.stringify(counts), leaseSeconds],
  );
}

export async function finishRun(
  db: Queryable,
  runId: string,
  outcome: { status: 'succeeded' | 'failed'; counts: Record<string, number | boolean>; error?: string },
): Promise<void> {
  await db.query(
    `update people.sync_runs
        set status = $2, counts = $3, error = $4, finished_at = now(), lease_until = null
      where id = $1`,
    [runId, outcome.status, JSON.stringify(outcome.counts), outcome.error ?? null],
  );
}

export async function runningRun(db: Queryable, kind: SyncKind): Promise<SyncRun | undefined> {
  const { rows } = await db.query<RunRow>(`${SELECT_RUN} where kind = $1 and status = 'running'`, [kind]);
  return rows[0] && toRun(rows[0]);
}

/** The last run of each kind, for the page. */
export async function lastRuns(db: Queryable): Promise<Partial<Record<SyncKind, SyncRun>>> {
  const { rows } = await db.query<RunRow>(
    `select distinct on (kind) id::text, kind, status, started_at, finished_at, counts, error
       from people.sync_runs order by kind, started_at desc, id desc`,
  );
  return Object.fromEntries(rows.map((row) => [row.kind, toRun(row)]));
}

const SELECT_RUN = `select id::text, kind, status, started_at, finished_at, counts, error from people.sync_runs`;

interface RunRow {
  id: string;
  kind: SyncKind;
  status: SyncRun['status'];
  started_at: Date | string;
  finished_at: Date | string | null;
  counts: Record<string, number | boolean>;
  error: string | null;
}

function toRun(row: RunRow): SyncRun {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
    counts: row.counts,
    error: row.error,
  };
}
