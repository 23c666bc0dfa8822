import { loadAppGauges } from './app-gauges.ts';
import { registerAppGauges } from '../observability/app-gauges.ts';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHttpApp } from '../http/app.ts';
import { errorBody } from '../http/errors.ts';
import { json } from '../http/responses.ts';
import { TopologyConflictError } from '../queue/errors.ts';
import { describeDatabase } from '../db/server.ts';
import { describeDriver } from '../queue/index.ts';
import { waitUntilAvailable } from './dependencies.ts';
import { PLATFORM_APP } from '../contract/app.ts';
import { queueName, topologyOf, type Manifest } from './manifest.ts';
import type { Platform } from './platform.ts';
import { createInFlight } from './in-flight.ts';
import { startScheduler } from './scheduler.ts';
import { outboxBacklog, outboxRelayFor } from '../outbox/index.ts';
import { startWorker } from './worker.ts';

export const ROLES = ['web', 'worker', 'scheduler'] as const;
export type Role = (typeof ROLES)[number];

export interface Runner {
  url: string;
  roles: Role[];
  schedules: string[];
  /** Graceful stop: no new requests or messages, in-flight work finishes, then everything closes. */
  stop(): Promise<void>;
}

export interface RunnerOptions {
  roles: Role[];
  port: number;
  host?: string;
  /**
   * Work that needs the database, run once it answers and before any function is served:
   * migrations, the first admin, sample data.
   */
  prepare?: () => Promise<void>;
  /** Gives up waiting for the database (a stop requested during start-up): startRunner rejects. */
  signal?: AbortSignal;
}

/**
 * Routes that answer while the runner waits for its database: a probe must see why it is not
 * ready (/readyz's own database check names it). Once the database answers and `prepare` runs,
 * /readyz is answered here, 503, until functions are served: ready means ready for traffic.
 */
const PROBE_PATHS = new Set(['/healthz', '/readyz', '/metrics']);
const READINESS_PATH = '/readyz';

/**
 * Run a platform in one process with the given roles. Every role serves HTTP: `web` serves
 * every function, `worker` and `scheduler` only the platform routes (health, readiness,
 * metrics), so each container can be probed and scraped the same way.
 *
 * A dependency that is down does not stop the runner from coming up:
 * - HTTP listens first. Until the database answers (and `prepare` has run), functions answer 503
 *   `STARTING` naming what is awaited, while /healthz, /readyz and /metrics answer as usual.
 * - Without the broker, HTTP serves everything that does not queue work (enqueues answer 503)
 *   and the worker connects, declares the topology and starts consuming once the broker appears.
 * Each wait retries with capped backoff and logs one line per change, not one per attempt.
 */
export async function startRunner(platform: Platform, options: RunnerOptions): Promise<Runner> {
  const { driver, db, log, manifest, metrics, config } = platform;
  const roles = options.roles;
  const stopping = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stopping.signal]) : stopping.signal;

  const served: Manifest = roles.includes('web')
    ? manifest
    : { ...manifest, http: manifest.http.filter((h) => h.app === PLATFORM_APP) };
  const apps = new Set(
    [...manifest.http, ...manifest.tasks, ...manifest.schedules].map((entry) => entry.app),
  );
  const sampleAppGauges = registerAppGauges(metrics.registry, await loadAppGauges(apps), log);
  const app = createHttpApp({
    manifest: served,
    makeCtx: platform.httpCtx,
    log,
    metrics,
    auth: platform.auth,
    config,
    beforeMetrics: async () => {
      await sampleGauges(platform);
      await sampleAppGauges(db);
    },
  });
  const database = describeDatabase(config);
  let waitingFor: string | undefined = `waiting for ${database}`;
  let preparing = false;
  const inFlight = createInFlight();
  const handle = inFlight.track(app.fetch);
  const gated: Fetch = (request, env) => {
    if (waitingFor === undefined) return handle(request, env);
    const path = new URL(request.url).pathname;
    if (preparing && path === READINESS_PATH) return preparingReadiness();
    return PROBE_PATHS.has(path) ? handle(request, env) : startingResponse(waitingFor);
  };
  const server = await listen(gated, options.port, options.host ?? '0.0.0.0');
  const address = server.address() as AddressInfo;
  const url = `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${address.port}`;

  try {
    await waitUntilAvailable(database, () => db.ping(), { log, signal });
    waitingFor = 'preparing the database';
    preparing = true;
    await options.prepare?.();
    waitingFor = undefined;
  } catch (err) {
    await closeServer(server);
    throw err;
  }

  const scheduler = roles.includes('scheduler') ? startScheduler(platform) : undefined;
  let worker: { stop(): Promise<void> } | undefined;
  // Every process sends what its functions wrote to the outbox (several relays share the rows):
  // a worker's comes with it, a web or scheduler process runs one of its own.
  const relay = roles.includes('worker') ? undefined : outboxRelayFor(platform);
  const connect = async () => {
    await driver.declare(topologyOf(manifest));
    if (roles.includes('worker')) worker = await startWorker(platform);
    await relay?.start();
  };
  // With the broker up, consumers are attached when startRunner returns; otherwise in the background.
  // A topology conflict is not an outage: waiting cannot fix it, an operator must (see /readyz).
  const broker = `the broker (${describeDriver(config)})`;
  const retryable = (err: unknown) => !(err instanceof TopologyConflictError);
  const connecting = connect()
    .catch((err: unknown) => {
      if (!retryable(err)) throw err;
      return waitUntilAvailable(broker, connect, { log, signal, retryable });
    })
    .catch((err: unknown) => {
      if (!signal.aborted) log.error({ err }, `${broker} cannot be used: the worker is not consuming`);
    });
  await Promise.race([connecting, sleep(FIRST_CONNECT_WAIT_MS, undefined, { ref: false })]);

  let stopped: Promise<void> | undefined;
  return {
    url,
    roles,
    schedules: scheduler?.describe() ?? [],
    stop() {
      stopped ??= (async () => {
        stopping.abort(new Error('the runner is stopping'));
        await connecting;
        // Stop taking work everywhere at once, then wait for what is in flight to finish.
        await Promise.all([
          scheduler?.stop(),
          // Then the handlers whose clients hung up: they still use the database.
          closeServer(server).then(() => inFlight.drained(HTTP_DRAIN_MS)),
          worker?.stop(),
        ]);
        await relay?.stop();
        await driver.close();
        await platform.cache.close();
        await db.close();
      })();
      return stopped;
    },
  };
}

/**
 * How long startRunner waits for the first broker connection before returning: a reachable broker
 * answers well within it, so a worker is consuming when startRunner returns; an unreachable one
 * (a connect timeout) is left to the background.
 */
const FIRST_CONNECT_WAIT_MS = 5_000;

/** /readyz while migrations and seeds run: the shape of the readiness answer, 503. */
function preparingReadiness(): Response {
  const checks = { db: 'preparing: migrations, first admin, sample data', queue: 'not checked yet' };
  return json({ status: 'unavailable', checks }, 503, { 'retry-after': '2' });
}

function startingResponse(waitingFor: string): Response {
  return json(errorBody('STARTING', `The service is starting: ${waitingFor}. Try again shortly.`), 503, {
    'retry-after': '5',
  });
}

type Fetch = Parameters<typeof serve>[0]['fetch'];

function listen(fetch: Fetch, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}

/** How long in-flight HTTP requests get to finish before their connections are cut. */
const HTTP_DRAIN_MS = 5_000;

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if (!('closeIdleConnections' in server)) return;
    // Idle keep-alive connections would hold close() open; busy ones get a grace period.
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), HTTP_DRAIN_MS).unref();
  });
}

/** Queue depth and job counts are read when Prometheus scrapes, not kept up to date on every change. */
async function sampleGauges(platform: Platform): Promise<void> {
  const { driver, db, manifest, metrics, log } = platform;
  await Promise.all(
    manifest.tasks.map(async (entry) => {
      const queue = queueName(entry);
      const depth = await driver.depth(queue).catch(() => undefined);
      if (!depth) return;
      for (const state of ['ready', 'delayed', 'dead'] as const)
        metrics.queueDepth.set({ queue, state }, depth[state]);
    }),
  );
  try {
    const { rows } = await db.query<{ kind: string; status: string; n: number }>(
      `select kind, status, count(*)::int as n from jobs group by kind, status`,
    );
    metrics.jobs.reset();
    for (const row of rows) metrics.jobs.set({ kind: row.kind, status: row.status }, row.n);
    const outbox = await outboxBacklog(db);
    metrics.outboxPending.set(outbox.pending);
    metrics.outboxLag.set(outbox.lagSeconds);
  } catch (err) {
    log.warn({ err }, 'could not sample job counts for /metrics');
  }
}
