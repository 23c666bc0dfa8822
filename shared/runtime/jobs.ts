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

export function createJobs(
  db: Queryable,
  publisher: Publisher,
  defaults: { correlationId?: string } = {},
): Jobs {
  return {
    async trigger(kind, payload, options = {}) {
      const jobId = randomUUID();
      const correlationId = options.correlationId ?? defaults.correlationId ?? jobId;
      await db.query(
        `insert into jobs (id, kind, status, payload, correlation_id) values ($1, $2, 'queued', $3, $4)`,
        [jobId, kind, JSON.stringify(payload ?? {}), correlationId],
      );
      try {
        const { messageId } = await publisher.publish(kind, payload, { correlationId, jobId });
        return { jobId, messageId };
      } catch (err) {
        await jobState.failed(db, jobId, `could not be queued: ${(err as Error).message}`);
        throw err;
      }
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
  async running(db: Queryable, jobId: string, attempt: number) {
    await db.query(
      `update jobs set status = 'running', attempts = $2, started_at = coalesce(started_at, now()), updated_at = now()
       where id = $1 and status in ('queued', 'retrying', 'dead')`,
      [jobId, attempt],
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
