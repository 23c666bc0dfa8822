import path from 'node:path';
import type { Logger } from 'pino';
import { outboxBacklog } from '../outbox/index.ts';
import type { Config } from '../config.ts';
import type { AuthServices } from '../auth/services.ts';
import type { Cache } from '../cache/port.ts';
import type { AuthCtx, HttpCtx, QueueAdmin, SystemInfo, TaskCtx } from '../contract/context.ts';
import type { AuthUser } from '../contract/http.ts';
import type { Db, Tx } from '../db/port.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { QueueDriver } from '../queue/port.ts';
import { createBatcher } from './batcher.ts';
import { createJobs, insertJobs, type NewJob } from './jobs.ts';
import type { DeploymentSummary } from './deployment-summary.ts';
import { createOperator } from './operator.ts';
import { createPublisher } from './publisher.ts';
import { describeDatabase } from '../db/server.ts';
import { VERSION } from '../version.ts';
import { DEFAULT_ADMIN_EMAIL } from './admin.ts';

export interface ContextParts {
  config: Config;
  db: Db;
  driver: QueueDriver;
  metrics: Metrics;
  /** Every consuming queue of the deployment (one per task function), for the queue admin routes. */
  queueNames: string[];
  /** Its functions and schedules, for the console. */
  deployment: DeploymentSummary;
  cache: Cache;
  auth: AuthServices;
}

/** What a request's `ctx` is made for: its correlation id, its logger and, if signed in, its user. */
export interface HttpCtxRequest {
  correlationId: string;
  log: Logger;
  user?: AuthUser | undefined;
}

export interface ContextFactories {
  httpCtx(request: HttpCtxRequest): HttpCtx;
  /** A task's ctx around its transaction, or around the database for an `ownTransactions` task. */
  taskCtx<D extends Tx | Db>(db: D, message: TaskCtx['message'], log: Logger): TaskCtxOn<D>;
}

/** TaskCtx with `db` as given: a Tx (the default) or the Db (an ownTransactions task). */
export type TaskCtxOn<D extends Tx | Db> = Omit<TaskCtx, 'db'> & { db: D };

/**
 * The `ctx` factories, built once per process from its parts. The runner (through
 * createPlatform) and the Lambda adapters share them, so a function sees the same `ctx`
 * wherever it runs.
 */
export function createContexts(parts: ContextParts): ContextFactories {
  const { config, db, driver, metrics, queueNames, cache, auth } = parts;
  const authCtx: AuthCtx = {
    users: auth.users,
    signup: (input) => auth.signup(input),
    login: (input) => auth.login(input),
    changePassword: (input) => auth.changePassword(input),
    async signOutEverywhere(user) {
      await auth.users.signOutEverywhere(user.id);
    },
    issueToken: (user) => auth.tokens.issue(user),
  };
  const system: SystemInfo = {
    version: VERSION,
    queueDriver: driver.name,
    database: describeDatabase(config),
    dataDir: config.embeddedDb ? path.resolve(config.DATA_DIR) : undefined,
    // Said only where it is a local demo: elsewhere the admin's email is nobody else's business.
    firstAdminEmail: config.embeddedDb ? (config.ADMIN_EMAIL ?? DEFAULT_ADMIN_EMAIL) : undefined,
  };
  const queueAdmin: QueueAdmin = {
    driver: driver.name,
    queues: () => queueNames,
    outbox: (kinds) => outboxBacklog(db, kinds),
    listDead: (queue, limit) => driver.listDead(queue, limit),
    replayDead: (queue, options) => driver.replayDead(queue, options),
    purgeDead: (queue, options) => driver.purgeDead(queue, options),
    depth: (queue) => driver.depth(queue),
    check: () => driver.check(),
  };

  // One batcher per process: concurrent requests that trigger jobs share inserts and commits.
  const insertJob = createBatcher((jobs: NewJob[]) => insertJobs(db, jobs));

  return {
    httpCtx({ correlationId, log, user }) {
      const queue = createPublisher(driver, metrics, { correlationId });
      // A job triggered by a request belongs to its user: they (and admins) may read it at /jobs/:id.
      const jobs = createJobs({
        db,
        publisher: queue,
        insert: insertJob,
        correlationId,
        log,
        ...(user ? { triggeredBy: user.id } : {}),
      });
      return {
        db,
        queue,
        jobs,
        log,
        config,
        metrics,
        cache,
        correlationId,
        queueAdmin,
        operator: createOperator(parts.deployment, db, jobs, log),
        system,
        auth: authCtx,
      };
    },
    taskCtx(taskDb, message, log) {
      // A task in a transaction publishes through the outbox: its messages go out once it commits,
      // never from an attempt that rolled back. (An ownTransactions task has the database itself:
      // its messages go out at once, unless it passes a transaction of its own.)
      const queue = createPublisher(driver, metrics, {
        correlationId: message.correlationId,
        ...(isTx(taskDb) ? { tx: taskDb } : {}),
      });
      const jobs = createJobs({ db: taskDb, publisher: queue, correlationId: message.correlationId, log });
      return {
        db: taskDb,
        queue,
        jobs,
        log,
        config,
        metrics,
        cache,
        message,
        auth: { prune: () => auth.prune(taskDb) },
      };
    },
  };
}

function isTx(db: Tx | Db): db is Tx {
  return 'savepoint' in db;
}
