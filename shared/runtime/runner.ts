import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createHttpApp } from '../http/app.ts';
import { PLATFORM_APP, queueName, topologyOf, type Manifest } from './manifest.ts';
import type { Platform } from './platform.ts';
import { createInFlight } from './in-flight.ts';
import { startScheduler } from './scheduler.ts';
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

/**
 * Run a platform in one process with the given roles. Every role serves HTTP: `web` serves
 * every function, `worker` and `scheduler` only the platform routes (health, readiness,
 * metrics), so each container can be probed and scraped the same way.
 */
export async function startRunner(
  platform: Platform,
  options: { roles: Role[]; port: number; host?: string },
): Promise<Runner> {
  const { driver, db, log, manifest, metrics } = platform;
  const roles = options.roles;
  await driver.declare(topologyOf(manifest));

  const served: Manifest = roles.includes('web')
    ? manifest
    : { ...manifest, http: manifest.http.filter((h) => h.app === PLATFORM_APP) };
  const app = createHttpApp({
    manifest: served,
    makeCtx: ({ correlationId, log: requestLog }) => platform.httpCtx(correlationId, requestLog),
    log,
    metrics,
    auth: platform.auth,
    beforeMetrics: () => sampleGauges(platform),
  });
  const inFlight = createInFlight();
  const server = await listen(inFlight.track(app.fetch), options.port, options.host ?? '0.0.0.0');
  const address = server.address() as AddressInfo;
  const url = `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${address.port}`;

  const worker = roles.includes('worker') ? await startWorker(platform) : undefined;
  const scheduler = roles.includes('scheduler') ? startScheduler(platform) : undefined;

  let stopping: Promise<void> | undefined;
  return {
    url,
    roles,
    schedules: scheduler?.describe() ?? [],
    stop() {
      stopping ??= (async () => {
        // Stop taking work everywhere at once, then wait for what is in flight to finish.
        await Promise.all([
          scheduler?.stop(),
          // Then the handlers whose clients hung up: they still use the database.
          closeServer(server).then(() => inFlight.drained(HTTP_DRAIN_MS)),
          worker?.stop(),
        ]);
        await driver.close();
        await platform.cache.close();
        await db.close();
      })();
      return stopping;
    },
  };
}

function listen(
  fetch: Parameters<typeof serve>[0]['fetch'],
  port: number,
  hostname: string,
): Promise<ServerType> {
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
  } catch (err) {
    log.warn({ err }, 'could not sample job counts for /metrics');
  }
}
