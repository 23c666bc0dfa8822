import type { Logger } from 'pino';
import type {
  Job,
  JobEvent,
  JobLogLine,
  JobSearch,
  JobStatus,
  Jobs,
  Publisher,
} from '../contract/context.ts';
import type { Page } from '../contract/pagination.ts';
import type { Queryable } from '../db/port.ts';
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../errors.ts';
import { JOB_LOG_LIMITS } from './job-story.ts';
import { uuidFromName } from './uuid-from-name.ts';

/**
 * Job rows: every triggered job is recorded (queued → running → succeeded | retrying | dead,
 * failed when it could not even be queued, cancelled by an operator before it ran) and readable
 * at `GET /jobs/:id`; the console reads its story too (attempts, operator actions, log lines).
 */
const columns = `id, kind, status, attempts, payload, result, error, correlation_id, triggered_by, created_at, started_at, finished_at, updated_at`;

interface JobRow {
  id: string;
  kind: string;
  status: Job['status'];
  attempts: number;
  payload: unknown;
  result: unknown;
  error: string | null;
  correlation_id: string;
  triggered_by: string | null;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
  updated_at: Date | string;
}

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

interface JobDetailRow extends JobRow {
  timeline: JobEvent[];
  log_lines: JobLogLine[];
}

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
    triggeredBy: row.triggered_by,
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
  /** The user whose request triggered it, if any. */
  triggeredBy?: string;
}

/** Insert new job rows as `queued`; a row the worker already created (see `jobState.running`) is kept. */
export async function insertJobs(db: Queryable, jobs: NewJob[]): Promise<void> {
  await db.query(
    `insert into jobs (id, kind, status, payload, correlation_id, triggered_by)
     select id, kind, 'queued', payload, correlation_id, triggered_by
     from unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[], $5::uuid[])
       as j(id, kind, payload, correlation_id, triggered_by)
     on conflict (id) do update set triggered_by = excluded.triggered_by where jobs.triggered_by is null`,
    [
      jobs.map((j) => j.id),
      jobs.map((j) => j.kind),
      jobs.map((j) => JSON.stringify(j.payload ?? {})),
      jobs.map((j) => j.correlationId),
      jobs.map((j) => j.triggeredBy ?? null),
    ],
  );
}

export interface JobsOptions {
  db: Queryable;
  publisher: Publisher;
  /** How new rows are written; the runner batches concurrent inserts (shared/runtime/batcher.ts). */
  insert?: (job: NewJob) => Promise<void>;
  correlationId?: string;
  /** The signed-in user of the request that triggers jobs through this object. */
  triggeredBy?: string;
  log?: Logger;
}

export function createJobs(options: JobsOptions): Jobs {
  const { db, publisher, triggeredBy } = options;
  const insert = options.insert ?? ((job: NewJob) => insertJobs(db, [job]));
  return {
    async trigger(kind, payload, triggerOptions = {}) {
      const key = triggerOptions.idempotencyKey;
      const jobId = key === undefined ? randomUUID() : uuidFromName(`job:${key}`);
      const correlationId = triggerOptions.correlationId ?? options.correlationId ?? jobId;
      // Recording and publishing run side by side: a worker faster than the insert creates
      // the row itself (jobState.running), so neither has to wait for the other.
      const [recorded, published] = await Promise.allSettled([
        insert({ id: jobId, kind, payload, correlationId, ...(triggeredBy ? { triggeredBy } : {}) }),
        publisher.publish(kind, payload, { correlationId, jobId, idempotencyKey: messageKey(jobId) }),
      ]);
      if (published.status === 'rejected') {
        const reason = published.reason as Error;
        if (recorded.status === 'fulfilled') {
          // Bookkeeping only: the caller must see the publish error (a 503), not this one.
          await jobState
            .failed(db, jobId, `could not be queued: ${reason.message}`)
            .catch((err: unknown) => options.log?.warn({ err, jobId }, 'could not mark the job failed'));
        }
        throw reason;
      }
      if (recorded.status === 'rejected') {
        // The message is queued and its worker writes the row when it starts; failing the call
        // now would only make the caller trigger the job a second time.
        options.log?.warn({ err: recorded.reason, jobId }, 'job row not written; the worker will write it');
      }
      return { jobId, messageId: published.value.messageId };
    },

    async get(id) {
      const { rows } = await db.query<JobRow>(`select ${columns} from jobs where id = $1`, [id]);
      return rows[0] ? toJob(rows[0]) : undefined;
    },

    async recent({ kinds, limit = 20, payloadContains } = {}) {
      const { rows } = await db.query<JobRow>(
        `select ${columns} from jobs
         where ($1::text[] is null or kind = any($1::text[])) and ($2::jsonb is null or payload @> $2::jsonb)
         order by created_at desc limit $3`,
        [kinds ?? null, payloadContains ? JSON.stringify(payloadContains) : null, limit],
      );
      return rows.map(toJob);
    },

    async detail(id) {
      const { rows } = await db.query<JobDetailRow>(
        `select ${columns}, timeline, log_lines from jobs where id = $1`,
        [id],
      );
      const row = rows[0];
      return row ? { ...toJob(row), timeline: row.timeline, logLines: row.log_lines } : undefined;
    },

    async retry(id, { by }) {
      const event: JobEvent = { type: 'retried', at: new Date().toISOString(), by };
      const { rows } = await db.query<JobRow>(
        `update jobs set status = 'queued', error = null, result = null, finished_at = null,
           timeline = timeline || $2::jsonb, updated_at = now()
         where id = $1 and status in ('failed', 'dead')
         returning ${columns}`,
        [id, JSON.stringify([event])],
      );
      const job = rows[0] ?? (await refuse(id, 'retried', 'only a failed or dead job can run again'));
      try {
        // The first message's id: should its dead letter be replayed too, the inbox runs one of them.
        await publisher.publish(job.kind, job.payload, {
          correlationId: job.correlation_id,
          jobId: id,
          idempotencyKey: messageKey(id),
        });
      } catch (err) {
        await jobState.failed(db, id, `could not be queued again: ${(err as Error).message}`);
        throw err;
      }
    },

    async cancel(id, { by }) {
      const event: JobEvent = { type: 'cancelled', at: new Date().toISOString(), by };
      const { rows } = await db.query<JobRow>(
        `update jobs set status = 'cancelled', finished_at = now(), timeline = timeline || $2::jsonb,
           updated_at = now()
         where id = $1 and status in ('queued', 'retrying')
         returning ${columns}`,
        [id, JSON.stringify([event])],
      );
      if (!rows[0]) await refuse(id, 'cancelled', 'only a job that has not run yet can be cancelled');
    },

    search: (filter) => searchJobs(db, filter),
  };

  /** Why a job could not be retried or cancelled: it does not exist, or its state forbids it. */
  async function refuse(id: string, verb: string, rule: string): Promise<never> {
    const { rows } = await db.query<{ status: JobStatus }>(`select status from jobs where id = $1`, [id]);
    if (!rows[0]) throw new NotFoundError(`No job with id ${id}`);
    throw new ConflictError(`Job ${id} is ${rows[0].status} and cannot be ${verb}: ${rule}`);
  }
}

/**
 * A job's messages all carry one id, derived from the job's: a retry from the console and a
 * replay of the job's dead letter are then one message to the inbox, which runs it once.
 */
const messageKey = (jobId: string) => `job:${jobId}`;

/** The text `q` searches: the payload and the error (sql/0015 indexes exactly this expression). */
const SEARCHED_TEXT = `(payload::text || ' ' || coalesce(error, ''))`;

/**
 * Jobs matching every filter given, newest first, one page of them. `q` is a piece of text anywhere
 * in the payload or the error (a trigram index keeps it fast), or a job id. Only the filters given
 * become conditions: a catch-all `($1 is null or …)` would keep the planner from the indexes.
 */
export async function searchJobs(db: Queryable, filter: JobSearch): Promise<Page<Job>> {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const conditions: string[] = [];
  if (filter.kind !== undefined) conditions.push(`kind = ${param(filter.kind)}`);
  if (filter.states?.length) conditions.push(`status = any(${param(filter.states)}::text[])`);
  if (filter.q !== undefined) {
    // % and _ are the text's own characters, not wildcards.
    const text = `${SEARCHED_TEXT} ilike ${param(`%${filter.q.replace(/[\\%_]/g, '\\$&')}%`)}`;
    conditions.push(UUID.test(filter.q) ? `(${text} or id = ${param(filter.q)}::uuid)` : text);
  }
  if (filter.correlationId !== undefined) conditions.push(`correlation_id = ${param(filter.correlationId)}`);
  if (filter.since !== undefined) conditions.push(`created_at >= ${param(filter.since)}::timestamptz`);
  if (filter.until !== undefined) conditions.push(`created_at < ${param(filter.until)}::timestamptz`);
  const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
  const filters = [...params];
  const [found, counted] = await Promise.all([
    db.query<JobRow>(
      `select ${columns} from jobs ${where} order by created_at desc, id limit ${param(filter.limit)} offset ${param(filter.offset)}`,
      params,
    ),
    db.query<{ total: number }>(`select count(*)::int as total from jobs ${where}`, filters),
  ]);
  return {
    items: found.rows.map(toJob),
    total: counted.rows[0]!.total,
    limit: filter.limit,
    offset: filter.offset,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * State transitions, used by the consumer core. Each only moves a job forward, so a
 * redelivered message can never turn a finished job back into a running one. The worker's
 * transitions are upserts: a message may reach its worker before the trigger's insert of the
 * `queued` row has committed (they run side by side), and the row must exist all the same.
 */
const upsert = (status: JobStatus, set: string, allowedFrom: string) => `
  insert into jobs (id, kind, status, attempts, payload, correlation_id, result, error, started_at, finished_at,
    timeline, log_lines)
  values ($1, $2, '${status}', $3, $4, $5, $6, $7, now(), ${status === 'running' ? 'null' : 'now()'}, $8, $9)
  on conflict (id) do update set ${set}, updated_at = now()
  where jobs.status in (${allowedFrom})`;

/** Add an attempt's story ($8 the entry, $9 its lines) to the row, within the job's bound on lines. */
const appendStory = (timeline: string, lines: string) => `
  timeline = jobs.timeline || ${timeline},
  log_lines = case when jsonb_array_length(jobs.log_lines) < ${JOB_LOG_LIMITS.linesPerJob}
    then jobs.log_lines || ${lines} else jobs.log_lines end`;

const runningSql = upsert(
  'running',
  `status = 'running', attempts = excluded.attempts, started_at = coalesce(jobs.started_at, now())`,
  // `failed`: its publish looked lost (a confirm timeout) but the message did arrive.
  `'queued', 'retrying', 'dead', 'failed'`,
);
const succeededSql = upsert(
  'succeeded',
  `status = 'succeeded', result = excluded.result, error = null, finished_at = now(),
   ${appendStory('excluded.timeline', 'excluded.log_lines')}`,
  `'queued', 'running', 'retrying', 'dead', 'failed'`,
);
const deadSql = upsert(
  'dead',
  `status = 'dead', error = excluded.error, finished_at = now(),
   ${appendStory('excluded.timeline', 'excluded.log_lines')}`,
  `'queued', 'running', 'retrying', 'failed'`,
);

/** How an attempt ended, for the job's timeline, and the lines its task logged. */
export interface AttemptRecord {
  event: JobEvent;
  lines: readonly JobLogLine[];
}

const NOTHING_TO_TELL: AttemptRecord | undefined = undefined;

function upsertParams(
  job: NewJob,
  attempt: number,
  result: unknown,
  error: string | null,
  story: AttemptRecord | undefined,
) {
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  return [
    job.id,
    job.kind,
    attempt,
    JSON.stringify(job.payload ?? {}),
    job.correlationId,
    json(result),
    error,
    JSON.stringify(story ? [story.event] : []),
    JSON.stringify(story?.lines ?? []),
  ];
}

export const jobState = {
  /** Mark the job running; `cancelled` when an operator cancelled it first, and it must not run. */
  async running(db: Queryable, job: NewJob, attempt: number): Promise<'run' | 'cancelled'> {
    const moved = await db.query(runningSql, upsertParams(job, attempt, undefined, null, NOTHING_TO_TELL));
    if (moved.rowCount > 0) return 'run';
    // Rare: a redelivery of a job already running or finished (the inbox decides), or a cancel.
    const { rows } = await db.query<{ status: JobStatus }>(`select status from jobs where id = $1`, [job.id]);
    return rows[0]?.status === 'cancelled' ? 'cancelled' : 'run';
  },
  async succeeded(db: Queryable, job: NewJob, attempt: number, result: unknown, story?: AttemptRecord) {
    await db.query(succeededSql, upsertParams(job, attempt, result ?? null, null, story));
  },
  async dead(db: Queryable, job: NewJob, attempt: number, error: string, story?: AttemptRecord) {
    await db.query(deadSql, upsertParams(job, attempt, undefined, error, story));
  },
  async retrying(db: Queryable, jobId: string, error: string, story?: AttemptRecord) {
    await db.query(
      `update jobs set status = 'retrying', error = $2, ${appendStory('$3::jsonb', '$4::jsonb')}, updated_at = now()
       where id = $1 and status in ('queued', 'running')`,
      [jobId, error, JSON.stringify(story ? [story.event] : []), JSON.stringify(story?.lines ?? [])],
    );
  },
  /** Only a job still `queued` failed to be queued: its worker may already have taken it over. */
  async failed(db: Queryable, jobId: string, error: string) {
    await db.query(
      `update jobs set status = 'failed', error = $2, finished_at = now(), updated_at = now()
       where id = $1 and status = 'queued'`,
      [jobId, error],
    );
  },
};
