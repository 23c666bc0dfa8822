import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db, Tx } from '../db/port.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { QueueDriver, QueueInspection, QueueTransport } from '../queue/port.ts';
import type { Cache } from '../cache/port.ts';
import type { AuthPruned } from '../auth/services.ts';
import type { IssuedToken } from '../auth/tokens.ts';
import type { User, Users } from '../auth/users.ts';
import type { AuthUser } from './http.ts';
import type { Page } from './pagination.ts';

/**
 * `ctx` is a function's only door to the outside world. The runner builds it from real
 * parts; tests build it from real or fake ones.
 */
export interface BaseCtx {
  queue: Publisher;
  jobs: Jobs;
  log: Logger;
  config: Config;
  metrics: Metrics;
  /** Read-through cache (memory, or Redis with REDIS_URL); invalidate after every change. */
  cache: Cache;
}

export interface HttpCtx extends BaseCtx {
  db: Db;
  correlationId: string;
  /** What this process runs on, for pages that say so (the home page). */
  system: SystemInfo;
  /** Broker administration for platform routes (readiness, dead letters, depth). */
  queueAdmin: QueueAdmin;
  /** The deployment as the console sees it: schedules, the last hour, operators' actions. */
  operator: Operator;
  /** Accounts, password login and API tokens (the platform's auth pages and API use them). */
  auth: AuthCtx;
}

/** A schedule and how its last run went. */
export interface ScheduleState {
  /** The schedule function's id, e.g. `gradcafe-pull-schedule`. */
  name: string;
  publishes: string;
  /** Its cron (UTC) where this deployment runs it; null when switched off. */
  cron: string | null;
  /** The newest job it fired (a tick, the CLI or "Run now"). */
  lastRun: Job | null;
}

/** What an operator did from the console: who, when, what, to how many. */
export interface OperatorAction {
  at: string;
  actor: string;
  action: 'replay' | 'purge' | 'retry' | 'cancel' | 'run';
  /** The queue, job or schedule acted on. */
  target: string;
  count: number;
  detail: string | null;
}

/** The last hour, minute by minute (every series has 60 values, oldest first). */
export interface LastHour {
  /** Per queue: the messages whose effects committed. */
  handled: Record<string, number[]>;
  /** Per kind of job: attempts that succeeded and failed, failures per minute, durations (s). */
  kinds: {
    kind: string;
    succeeded: number;
    failed: number;
    failedPerMinute: number[];
    p50: number;
    p95: number;
  }[];
}

/**
 * The console's door to the deployment: a read-only view of its schedules and recent activity (read from Postgres, so the same on every driver and on Lambda), running a schedule
 * now, and the record of what operators did.
 */
export interface Operator {
  schedules(): Promise<ScheduleState[]>;
  /** Fire one tick of a schedule now, whatever its cron. NotFoundError for an unknown name. */
  runSchedule(name: string): Promise<{ jobId: string; kind: string }>;
  lastHour(): Promise<LastHour>;
  record(action: Omit<OperatorAction, 'at' | 'detail'> & { detail?: string }): Promise<void>;
  recentActions(limit: number): Promise<OperatorAction[]>;
}

export interface SystemInfo {
  version: string;
  queueDriver: QueueDriver['name'];
  /** The database, described without secrets: `embedded PGlite in /path`, `Postgres host:5432/db`. */
  database: string;
  /** Where the embedded database and local files live; undefined on a Postgres server. */
  dataDir: string | undefined;
  /** The admin account the first start creates on the embedded database, to tell a first-time user. */
  firstAdminEmail: string | undefined;
}

export interface AuthCtx {
  /** Look up accounts. */
  users: Pick<Users, 'byId'>;
  /**
   * Create an account (role user), throttled per client: ValidationError (malformed email, weak
   * password), ConflictError (taken), TooManyRequestsError, ServiceBusyError (hash queue full).
   */
  signup(input: { email: string; password: string; clientIp?: string | undefined }): Promise<User>;
  /**
   * Check a password, throttled per email and client IP: UnauthorizedError ('invalid email or
   * password', the same for an unknown email) or TooManyRequestsError (with retryAfterSeconds).
   */
  login(input: { email: string; password: string; clientIp?: string | undefined }): Promise<User>;
  /**
   * Change a signed-in user's password: the current one is checked (and throttled) like a login,
   * ValidationError when it is wrong or the new one is refused. Every session and token of the
   * account ends; the updated account is returned to sign the asking client back in.
   */
  changePassword(input: {
    user: AuthUser;
    currentPassword: string;
    newPassword: string;
    clientIp?: string | undefined;
  }): Promise<User>;
  /** End every session and token of the account ("sign out everywhere"). */
  signOutEverywhere(user: AuthUser): Promise<void>;
  /** An API bearer token: `{ access_token, token_type: 'bearer', expires_in }`. */
  issueToken(user: Pick<User, 'id' | 'role' | 'authVersion'>): Promise<IssuedToken>;
}

export interface QueueAdmin extends QueueInspection, Pick<QueueTransport, 'check'> {
  readonly driver: QueueDriver['name'];
  /** Names of every declared consuming queue (one per task function). */
  queues(): string[];
  /**
   * Messages committed to the transactional outbox and not yet sent, and the oldest one's age;
   * only those of `kinds` when given.
   */
  outbox(kinds?: readonly string[]): Promise<{ pending: number; lagSeconds: number }>;
}

export interface TaskCtx extends BaseCtx {
  /** The transaction the handler runs in; it commits together with the inbox record. */
  db: Tx;
  message: MessageInfo;
  /** The platform's housekeeping of sign-in state. */
  auth: TaskAuthCtx;
}

export interface TaskAuthCtx {
  /**
   * Delete expired sessions and failed logins and sign-ups that no longer count, in the task's
   * transaction; how many of each. The platform's prune task runs it once a day.
   */
  prune(): Promise<AuthPruned>;
}

export interface MessageInfo {
  id: string;
  kind: string;
  attempt: number;
  /** Total attempts allowed by the function's retry policy. */
  maxAttempts: number;
  correlationId: string;
  jobId?: string;
}

export interface PublishOptions {
  correlationId?: string;
  jobId?: string;
  /**
   * The same key (for the same kind) always gives the same message id, and publishing twice with
   * one message id delivers at most one run (the inbox drops the copy). A task that announces its
   * result keys the announcement on its own message id, so a retried attempt announces once.
   */
  idempotencyKey?: string;
  /**
   * Publish as part of this transaction (the transactional outbox): the message is written in `tx`
   * and sent by the outbox relay once `tx` commits; a rollback sends nothing, and a crash after the
   * commit loses nothing. Without it, the message goes out at once, whatever happens next.
   */
  tx?: Tx;
}

export interface Publisher {
  /**
   * Publish a message by kind; resolves once the broker confirmed it (or, with `tx`, once it is
   * written to the outbox). Rejects with QueueUnavailableError when the broker cannot take it.
   */
  publish(kind: string, payload: unknown, options?: PublishOptions): Promise<{ messageId: string }>;
}

export type JobStatus = 'queued' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'dead' | 'cancelled';

export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  attempts: number;
  payload: unknown;
  result: unknown;
  error: string | null;
  correlationId: string;
  /** The user whose request triggered the job; null for schedules, tasks and anonymous triggers. */
  triggeredBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

/** One step of a job's story, oldest first: an attempt of its task, or what an operator did to it. */
export type JobEvent =
  | {
      type: 'attempt';
      attempt: number;
      startedAt: string;
      finishedAt: string;
      outcome: 'succeeded' | 'failed' | 'dead';
      error?: string;
      /** The delay before the next attempt, when one follows. */
      retryInMs?: number;
    }
  | { type: 'retried' | 'cancelled'; at: string; by: string };

/** A line the job's task logged (the first ones of each attempt, each cut to a bounded size). */
export interface JobLogLine {
  at: string;
  attempt: number;
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  msg: string;
  /** The line's fields as JSON text, when it had any. */
  fields?: string;
}

/** A job with its story: what the console's job page shows. */
export interface JobDetail extends Job {
  timeline: JobEvent[];
  logLines: JobLogLine[];
}

export interface JobSearch {
  kind?: string | undefined;
  /** Any of these states. */
  states?: readonly JobStatus[] | undefined;
  /** Text anywhere in the payload or the error, or a job's id. */
  q?: string | undefined;
  correlationId?: string | undefined;
  /** Created at or after (ISO time). */
  since?: string | undefined;
  /** Created before (ISO time). */
  until?: string | undefined;
  limit: number;
  offset: number;
}

export interface Jobs {
  /**
   * Record a job and publish its message with confirm. When the publish fails the job is
   * marked `failed` and QueueUnavailableError is thrown (HTTP answers 503).
   */
  trigger(
    kind: string,
    payload: unknown,
    options?: {
      correlationId?: string;
      /**
       * The same key always gives the same job and message ids, so triggering twice (an event
       * delivered twice, a retried invocation) records one job and runs its task once.
       */
      idempotencyKey?: string;
    },
  ): Promise<{ jobId: string; messageId: string }>;
  get(id: string): Promise<Job | undefined>;
  /** A job with its attempts, operator actions and log lines. */
  detail(id: string): Promise<JobDetail | undefined>;
  /**
   * Run a failed or dead job again (a new first attempt, under its first message's id, so a copy
   * of it replayed from the dead letters later is not run a second time). ConflictError when the
   * job is in another state, NotFoundError when there is none.
   */
  retry(id: string, options: { by: string }): Promise<void>;
  /**
   * Cancel a job that has not run yet (queued, or waiting for its next attempt): its message is
   * acknowledged without running when it arrives. ConflictError when it is past that.
   */
  cancel(id: string, options: { by: string }): Promise<void>;
  /** Jobs matching every filter given, newest first, a page at a time (the console's job search). */
  search(filter: JobSearch): Promise<Page<Job>>;
  /** The most recent jobs, newest first, optionally of some kinds. */
  recent(options?: {
    kinds?: string[];
    limit?: number;
    /** Only jobs whose payload contains these fields (`{ ownerId }`): one user's jobs of a kind. */
    payloadContains?: Record<string, unknown>;
  }): Promise<Job[]>;
}
