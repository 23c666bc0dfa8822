import { isHtmx } from '../../shared/http/wants-html.ts';
import { randomUUID } from 'node:crypto';
import { pino, type Logger } from 'pino';
import { loadConfig } from '../../shared/config.ts';
import type {
  HttpCtx,
  Job,
  JobDetail,
  JobStatus,
  Jobs,
  LastHour,
  Operator,
  OperatorAction,
  ScheduleState,
  PublishOptions,
  Publisher,
  QueueAdmin,
  TaskAuthCtx,
} from '../../shared/contract/context.ts';
import type { AuthServices } from '../../shared/auth/services.ts';
import { createCache, type Cache } from '../../shared/cache/index.ts';
import type { AuthUser, FunctionDefinition, HttpRequest } from '../../shared/contract/index.ts';
import { ConflictError, NotFoundError, UnauthorizedError } from '../../shared/errors.ts';
import type { Db } from '../../shared/db/port.ts';
import { createHttpApp, type HttpApp, type HttpAppOptions } from '../../shared/http/app.ts';
import { createMetrics, type Metrics } from '../../shared/observability/metrics.ts';
import type { DeadMessage, QueueDepth } from '../../shared/queue/port.ts';
import { buildManifest } from '../../shared/runtime/manifest.ts';
import { messageIdFor } from '../../shared/runtime/publisher.ts';

/**
 * In-memory stand-ins for the parts of an HTTP `ctx`, for route tests that need no services.
 * Each fake keeps its state in plain fields so a test can arrange and inspect it directly.
 */

export class FakeJobs implements Jobs {
  readonly byId = new Map<string, Job>();
  constructor(private readonly publisher: FakePublisher) {}

  /** Arrange a job as if it had been triggered and processed. */
  add(fields: Partial<Job> & { kind: string }): Job {
    const now = new Date().toISOString();
    const job: Job = {
      id: randomUUID(),
      status: 'queued',
      attempts: 0,
      payload: {},
      result: null,
      error: null,
      correlationId: randomUUID(),
      triggeredBy: null,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      updatedAt: now,
      ...fields,
    };
    this.byId.set(job.id, job);
    return job;
  }

  async trigger(kind: string, payload: unknown, options: { correlationId?: string } = {}) {
    const job = this.add({
      kind,
      payload,
      ...(options.correlationId ? { correlationId: options.correlationId } : {}),
    });
    try {
      const { messageId } = await this.publisher.publish(kind, payload, {
        correlationId: job.correlationId,
        jobId: job.id,
      });
      return { jobId: job.id, messageId };
    } catch (err) {
      // As the real Jobs (shared/runtime/jobs.ts): a job that could not be queued is recorded
      // as failed, and the caller still gets the publish error.
      const now = new Date().toISOString();
      Object.assign(job, {
        status: 'failed',
        error: `could not be queued: ${(err as Error).message}`,
        finishedAt: now,
        updatedAt: now,
      });
      throw err;
    }
  }

  async get(id: string): Promise<Job | undefined> {
    return this.byId.get(id);
  }

  /** A job's story: arrange it with `stories.set(id, { timeline, logLines })`. */
  readonly stories = new Map<string, Pick<JobDetail, 'timeline' | 'logLines'>>();

  async detail(id: string): Promise<JobDetail | undefined> {
    const job = this.byId.get(id);
    return job && { ...job, timeline: [], logLines: [], ...this.stories.get(id) };
  }

  async retry(id: string) {
    this.move(id, ['failed', 'dead'], 'queued');
    const job = this.byId.get(id)!;
    await this.publisher.publish(job.kind, job.payload, { correlationId: job.correlationId, jobId: id });
  }

  async cancel(id: string) {
    this.move(id, ['queued', 'retrying'], 'cancelled');
  }

  /** The state rules of the real retry and cancel, with their errors. */
  private move(id: string, from: readonly JobStatus[], to: JobStatus) {
    const job = this.byId.get(id);
    if (!job) throw new NotFoundError(`No job with id ${id}`);
    if (!from.includes(job.status)) throw new ConflictError(`Job ${id} is ${job.status}`);
    Object.assign(job, { status: to, updatedAt: new Date().toISOString() });
  }

  async recent(options: Parameters<Jobs['recent']>[0] = {}): Promise<Job[]> {
    const contains = Object.entries(options.payloadContains ?? {});
    const all = [...this.byId.values()].filter(
      (j) =>
        (!options.kinds || options.kinds.includes(j.kind)) &&
        contains.every(([key, value]) => (j.payload as Record<string, unknown> | null)?.[key] === value),
    );
    return all.reverse().slice(0, options.limit ?? 20);
  }

  /** By kind and state only (the real search is tested on the databases). */
  async search(filter: Parameters<Jobs['search']>[0]) {
    const all = [...this.byId.values()]
      .filter(
        (j) =>
          (!filter.kind || j.kind === filter.kind) && (!filter.states || filter.states.includes(j.status)),
      )
      .reverse();
    return {
      items: all.slice(filter.offset, filter.offset + filter.limit),
      total: all.length,
      limit: filter.limit,
      offset: filter.offset,
    };
  }
}

export class FakePublisher implements Publisher {
  readonly published: ({ kind: string; payload: unknown; messageId: string } & PublishOptions)[] = [];
  /** Set to make every publish fail (a broker outage). */
  failWith: Error | undefined;

  async publish(kind: string, payload: unknown, options: PublishOptions = {}) {
    if (this.failWith) throw this.failWith;
    // Ids as the real publisher makes them, so a test can see two publishes share one.
    const { idempotencyKey } = options;
    const messageId = idempotencyKey === undefined ? randomUUID() : messageIdFor(kind, idempotencyKey);
    this.published.push({ kind, payload, ...options, messageId });
    return { messageId };
  }
}

/** The console's view of the deployment: arrange `schedulesList` and `lastHourFigures` as a test needs. */
export class FakeOperator implements Operator {
  schedulesList: ScheduleState[] = [];
  constructor(private readonly jobs: FakeJobs) {}

  async schedules() {
    return this.schedulesList;
  }

  readonly actions: OperatorAction[] = [];
  lastHourFigures: LastHour = { handled: {}, kinds: [] };

  async lastHour() {
    return this.lastHourFigures;
  }

  async record(action: Omit<OperatorAction, 'at' | 'detail'> & { detail?: string }) {
    this.actions.unshift({ at: new Date().toISOString(), detail: null, ...action });
  }

  async recentActions(limit: number) {
    return this.actions.slice(0, limit);
  }

  async runSchedule(name: string) {
    const schedule = this.schedulesList.find((s) => s.name === name);
    if (!schedule) throw new NotFoundError(`No schedule named ${name}`);
    const { jobId } = await this.jobs.trigger(schedule.publishes, {});
    return { jobId, kind: schedule.publishes };
  }
}

export class FakeQueueAdmin implements QueueAdmin {
  readonly driver = 'memory' as const;
  readonly dead = new Map<string, DeadMessage[]>();
  readonly ready = new Map<string, number>();
  /** Set to make `check()` fail (an unreachable broker). */
  checkError: Error | undefined;
  /** Set to make `check()` never answer (a half-open connection). */
  checkHangs = false;

  constructor(private readonly names: string[]) {}

  queues(): string[] {
    return this.names;
  }

  /** Arranged with `outboxBacklog`. */
  outboxBacklog = { pending: 0, lagSeconds: 0 };

  async outbox(): Promise<{ pending: number; lagSeconds: number }> {
    return this.outboxBacklog;
  }

  /** Arrange `count` dead messages on `queue`. */
  addDead(queue: string, count: number): DeadMessage[] {
    const added = Array.from({ length: count }, (_, i) => ({
      deadId: `${queue}#${i}`,
      queue,
      error: `boom ${i}`,
      deadAt: new Date().toISOString(),
      rawBody: `{"n":${i}}`,
    }));
    this.dead.set(queue, [...(this.dead.get(queue) ?? []), ...added]);
    return added;
  }

  async listDead(queue: string, limit: number): Promise<DeadMessage[]> {
    return (this.dead.get(queue) ?? []).slice(0, limit);
  }

  async replayDead(queue: string, options: { deadIds?: string[]; limit?: number } = {}): Promise<number> {
    const messages = this.dead.get(queue) ?? [];
    const chosen = options.deadIds
      ? messages.filter((m) => options.deadIds!.includes(m.deadId))
      : messages.slice(0, options.limit ?? messages.length);
    this.dead.set(
      queue,
      messages.filter((m) => !chosen.includes(m)),
    );
    this.ready.set(queue, (this.ready.get(queue) ?? 0) + chosen.length);
    return chosen.length;
  }

  async purgeDead(queue: string, options: { deadIds?: string[] } = {}): Promise<number> {
    const messages = this.dead.get(queue) ?? [];
    const kept = options.deadIds ? messages.filter((m) => !options.deadIds!.includes(m.deadId)) : [];
    this.dead.set(queue, kept);
    return messages.length - kept.length;
  }

  /** Arranged: depth() fails with it (the broker unreachable). */
  depthError: Error | undefined;

  async depth(queue: string): Promise<QueueDepth> {
    if (this.depthError) throw this.depthError;
    return { ready: this.ready.get(queue) ?? 0, delayed: 0, dead: this.dead.get(queue)?.length ?? 0 };
  }

  async check(): Promise<void> {
    if (this.checkHangs) return new Promise(() => {});
    if (this.checkError) throw this.checkError;
  }
}

/**
 * A database that answers `ping()` and refuses everything else (route tests must not query).
 * Set `queryError` to choose what a query throws, e.g. a `DbUnavailableError` for an outage.
 */
export function createFakeDb(): Db & { pingError: Error | undefined; queryError: Error | undefined } {
  const refuse = async (): Promise<never> => {
    throw db.queryError ?? new Error('fake db: queries are not available in route tests');
  };
  const db = {
    kind: 'postgres' as const,
    connections: 1,
    listen: refuse,
    pingError: undefined as Error | undefined,
    queryError: undefined as Error | undefined,
    query: refuse,
    copyFrom: refuse,
    copyFromCsv: refuse,
    transaction: refuse,
    async ping() {
      if (db.pingError) throw db.pingError;
    },
    async close() {},
  };
  return db;
}

export interface FakeCtxParts {
  jobs: FakeJobs;
  queue: FakePublisher;
  queueAdmin: FakeQueueAdmin;
  operator: FakeOperator;
  db: ReturnType<typeof createFakeDb>;
  metrics: Metrics;
  /** An in-memory cache on `metrics`. */
  cache: Cache;
  /** What the app passes to `createHttpApp({ makeCtx })`. */
  makeCtx: (req: { correlationId: string; log: Logger }) => HttpCtx;
  /** Every ctx handed out, newest last. */
  made: HttpCtx[];
}

export function createFakeCtx(options: { queues?: string[] } = {}): FakeCtxParts {
  const queue = new FakePublisher();
  const jobs = new FakeJobs(queue);
  const queueAdmin = new FakeQueueAdmin(options.queues ?? ['demo.work']);
  const operator = new FakeOperator(jobs);
  const db = createFakeDb();
  const metrics = createMetrics();
  const config = loadConfig({});
  const cache = createCache({ metrics, log: pino({ level: 'silent' }) });
  const made: HttpCtx[] = [];
  const makeCtx = ({ correlationId, log }: { correlationId: string; log: Logger }): HttpCtx => {
    const ctx: HttpCtx = {
      db,
      queue,
      jobs,
      log,
      config,
      metrics,
      cache,
      correlationId,
      queueAdmin,
      operator,
      system: {
        version: '0.0.0-test',
        queueDriver: 'memory',
        database: 'a fake database',
        dataDir: undefined,
        firstAdminEmail: undefined,
      },
      auth: fakeAuthCtx,
    };
    made.push(ctx);
    return ctx;
  };
  return { jobs, queue, queueAdmin, operator, db, metrics, cache, makeCtx, made };
}

/** A pino logger whose lines land in `lines` (parsed), to assert on access and error logs. */
export function createCapturingLogger(level = 'debug'): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

const PLATFORM_FUNCTIONS = [
  'healthz.ts',
  'readyz.ts',
  'get-job.ts',
  'list-dead-letters.ts',
  'replay-dead-letters.ts',
  'list-queues.ts',
  'console-page.tsx',
  'console-replay.ts',
  'console-api-jobs.ts',
  'console-api-queues.ts',
  'console-api-dead-letters.ts',
  'console-api-replay-dead-letters.ts',
  'console-job-page.tsx',
  'console-api-job.ts',
  'console-api-job-retry.ts',
  'console-api-job-cancel.ts',
  'console-queue-page.tsx',
  'console-api-purge-dead-letters.tsx',
  'console-api-schedules.ts',
  'console-api-schedule-run.ts',
];

/** The platform functions, imported as the manifest loader would (without the other apps). */
export async function platformModules(): Promise<{ file: string; module: { default?: unknown } }[]> {
  return Promise.all(
    PLATFORM_FUNCTIONS.map(async (name) => ({
      file: `functions/platform/${name}`,
      module: (await import(`../../functions/platform/${name}`)) as { default?: unknown },
    })),
  );
}

/**
 * An HTTP app over the platform functions plus `extra` fixture functions
 * (`{ 'functions/demo/boom.ts': defineHttp(...) }`), wired to fresh fakes.
 */
export async function createFakeHttpApp(
  extra: Record<string, FunctionDefinition> = {},
  options: Partial<Pick<HttpAppOptions, 'beforeMetrics' | 'extraRoutes'>> & { queues?: string[] } = {},
): Promise<FakeCtxParts & { app: HttpApp; lines: Record<string, unknown>[] }> {
  const parts = createFakeCtx(options.queues ? { queues: options.queues } : {});
  const { log, lines } = createCapturingLogger();
  const fixtures = Object.entries(extra).map(([file, definition]) => ({
    file,
    module: { default: definition },
  }));
  const manifest = buildManifest([...(await platformModules()), ...fixtures]);
  const app = createHttpApp({
    manifest,
    makeCtx: parts.makeCtx,
    log,
    metrics: parts.metrics,
    auth: createFakeAuth(),
    info: { title: 'fnstack test', version: '0.0.0' },
    ...(options.beforeMetrics ? { beforeMetrics: options.beforeMetrics } : {}),
    ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
  });
  return { ...parts, app, lines };
}

/** A parsed JSON response body, loosely typed so assertions can walk into it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions check the shape at run time
export type LooseJson = any;

export async function readJson(res: Response): Promise<LooseJson> {
  return res.json();
}

/** Users the fake auth knows, each with a bearer token that is simply `token-<id>`. */
export const FAKE_USERS = {
  admin: { id: '00000000-0000-4000-8000-00000000000a', email: 'admin@example.com', role: 'admin' },
  user: { id: '00000000-0000-4000-8000-00000000000b', email: 'user@example.com', role: 'user' },
} as const satisfies Record<string, AuthUser>;

/** `Authorization` header of a fake user (see createFakeAuth). */
export const fakeBearer = (user: AuthUser) => ({ authorization: `Bearer token-${user.id}` });

/**
 * Auth services without a database, for route tests over fakes: bearer tokens `token-<id>` of
 * FAKE_USERS verify, anything else is 401; there are no sessions (pages are tested end to end
 * elsewhere).
 */
export function createFakeAuth(): AuthServices {
  const byId = new Map<string, AuthUser>(Object.values(FAKE_USERS).map((u) => [u.id, u]));
  const fake = {
    users: { byId: async (id: string) => byId.get(id) },
    sessions: { get: async () => undefined },
    tokens: {
      verify: async (token: string) => {
        const user = byId.get(token.replace(/^token-/, ''));
        if (!user) throw new UnauthorizedError('invalid token');
        return { userId: user.id, role: user.role };
      },
    },
    sessionSecret: 'fake-session-secret-0123456789abcdef',
    sessionMaxAgeSeconds: 3600,
    allowedOrigins: [],
    transport: { trustedProxyHops: 0, production: false },
    generatedSecrets: [],
  };
  return fake as unknown as AuthServices;
}

/** A task's `ctx.auth` for task tests that never prune (the prune test runs the real one). */
export const fakeTaskAuth: TaskAuthCtx = {
  prune: async () => {
    throw new Error('fake auth: no pruning in task tests');
  },
};

const fakeAuthCtx: HttpCtx['auth'] = {
  users: { byId: async () => undefined },
  signup: async () => {
    throw new Error('fake auth: no registration in route tests');
  },
  changePassword: async () => {
    throw new Error('fake auth: no password changes in route tests');
  },
  signOutEverywhere: async () => {
    throw new Error('fake auth: no sign-out everywhere in route tests');
  },
  login: async () => {
    throw new UnauthorizedError('invalid email or password');
  },
  issueToken: async () => ({ access_token: 'fake', token_type: 'bearer', expires_in: 900 }),
};

/**
 * A handler's request for calling a function's handler directly: validated input plus the request
 * parts every handler may read, with an anonymous visitor unless `user` is given.
 */
export function fakeRequest<P = undefined, Q = undefined, B = undefined>(
  parts: Partial<Omit<HttpRequest<P, Q, B>, 'url'>> & { url?: URL | string } = {},
): HttpRequest<P, Q, B> {
  const { url, ...rest } = parts;
  return {
    params: undefined as P,
    query: undefined as Q,
    body: undefined as B,
    headers: new Headers(),
    wantsHtml: false,
    htmx: parts.headers ? isHtmx(parts.headers) : false,
    flash: [],
    correlationId: 'test-correlation-id',
    user: undefined,
    clientIp: '127.0.0.1',
    bodyStream: () => new Blob([]).stream(),
    csrfToken: async () => 'test-csrf-token',
    signIn: async () => undefined,
    signOut: async () => undefined,
    ...rest,
    url: url instanceof URL ? url : new URL(url ?? 'http://localhost/'),
  };
}
