import type { Job, Jobs, Publisher } from '../contract/context.ts';
import type { Queryable } from '../db/port.ts';
import { randomUUID } from 'node:crypto';

/**
 * Job rows: every triggered job is recorded (queued → running → succeeded | retrying | dead,
 * or failed when it could not even be queued) and readable at `GET /jobs/:id`.
 */
const columns = `id, kind, status, attempts, payload, result, error, correlation_id, created_at, started_at, finished_at, updated_at`;

interface JobRow {
  id: string;
  kind: string;
  status: Job['status'];
  attempts: number;
  payload: unknown;
  result: unknown;
  error: string | null;
  correlation_id: string;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  updated_at: Date | string;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    payload: row.payload,
    result: row.result ?? null,
    error: row.error,
    correlationId: row.correlation_id,
    createdAt: iso(row.created_at) as string,
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    updatedAt: iso(row.updated_at) as string,
  };
}

export interface NewJob {
  id: string;
  kind: string;
  payload: unknown;
  correlationId: string;
}

/** Insert new job rows as `queued`; a row the worker already created (see `jobState.running`) is kept. */
export async function insertJobs(db: Queryable, jobs: NewJob[]): Promise<void> {
  await db.query(
    `insert into jobs (id, kind, status, payload, correlation_id)
     select id, kind, 'queued', payload, correlation_id
     from unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[]) as j(id, kind, payload, correlation_id)
     on conflict (id) do nothing`,
    [
      jobs.map((j) => j.id),
      jobs.map((j) => j.kind),
      jobs.map((j) => JSON.stringify(j.payload ?? {})),
      jobs.map((j) => j.correlationId),
    ],
  );
}

export interface JobsOptions {
  db: Queryable;
  publisher: Publisher;
  /** How new rows are written; the runner batches concurrent inserts (shared/runtime/batcher.ts). */
  insert?: (job: NewJob) => Promise<void>;
  correlationId?: string;
}

export function createJobs(options: JobsOptions): Jobs {
  const { db, publisher } = options;
  const insert = options.insert ?? ((job: NewJob) => insertJobs(db, [job]));
  return {
    async trigger(kind, payload, triggerOptions = {}) {
      const jobId = randomUUID();
      const correlationId = triggerOptions.correlationId ?? options.correlationId ?? jobId;
      // Recording and publishing run side by side: a worker faster than the insert creates
      // the row itself (jobState.running), so neither has to wait for the other.
      const [recorded, published] = await Promise.allSettled([
        insert({ id: jobId, kind, payload, correlationId }),
        publisher.publish(kind, payload, { correlationId, jobId }),
      ]);
      if (published.status === 'rejected') {
        const reason = published.reason as Error;
        if (recorded.status === 'fulfilled') {
          await jobState.failed(db, jobId, `could not be queued: ${reason.message}`);
        }
        throw reason;
      }
      // The message is on its way and its worker will write the row; still, say it failed here.
      if (recorded.status === 'rejected') throw recorded.reason;
      return { jobId, messageId: published.value.messageId };
    },

    async get(id) {
      const { rows } = await db.query<JobRow>(`select ${columns} from jobs where id = $1`, [id]);
      return rows[0] ? toJob(rows[0]) : undefined;
    },

    async recent({ kinds, limit = 20 } = {}) {
      const { rows } = kinds
        ? await db.query<JobRow>(
            `select ${columns} from jobs where kind = any($1::text[]) order by created_at desc limit $2`,
            [kinds, limit],
          )
        : await db.query<JobRow>(`select ${columns} from jobs order by created_at desc limit $1`, [limit]);
      return rows.map(toJob);
    },
  };
}

/**
 * State transitions, used by the consumer core. Each only moves a job forward, so a
 * redelivered message can never turn a finished job back into a running one.
 */
export const jobState = {
  /**
   * Upsert: the message may arrive before the trigger's insert committed. A job recorded as
   * `failed` (its publish looked lost, e.g. a confirm timeout) that does arrive runs after all.
   */
  async running(db: Queryable, job: NewJob, attempt: number) {
    await db.query(
      `insert into jobs (id, kind, status, attempts, payload, correlation_id, started_at)
       values ($1, $2, 'running', $3, $4, $5, now())
       on conflict (id) do update
         set status = 'running', attempts = excluded.attempts,
             started_at = coalesce(jobs.started_at, now()), updated_at = now()
         where jobs.status in ('queued', 'retrying', 'dead', 'failed')`,
      [job.id, job.kind, attempt, JSON.stringify(job.payload ?? {}), job.correlationId],
    );
  },
  async succeeded(db: Queryable, jobId: string, result: unknown) {
    await db.query(
      `update jobs set status = 'succeeded', result = $2, error = null, finished_at = now(), updated_at = now()
       where id = $1`,
      [jobId, JSON.stringify(result ?? null)],
    );
  },
  async retrying(db: Queryable, jobId: string, error: string) {
    await db.query(
      `update jobs set status = 'retrying', error = $2, updated_at = now() where id = $1 and status in ('queued', 'running')`,
      [jobId, error],
    );
  },
  async dead(db: Queryable, jobId: string, error: string) {
    await db.query(
      `update jobs set status = 'dead', error = $2, finished_at = now(), updated_at = now()
       where id = $1 and status <> 'succeeded'`,
      [jobId, error],
    );
  },
  async failed(db: Queryable, jobId: string, error: string) {
    await db.query(
      `update jobs set status = 'failed', error = $2, finished_at = now(), updated_at = now() where id = $1`,
      [jobId, error],
    );
  },
};
