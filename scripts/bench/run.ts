import { randomBytes } from 'node:crypto';
import { loadMigrations, migrate } from '../../shared/db/migrate.ts';
import { createPgDb } from '../../shared/db/pg.ts';
import type { Topology } from '../../shared/queue/port.ts';
import { retryTierCount, topologyNames } from '../../shared/queue/rabbitmq/index.ts';
import { deleteBrokerObjects, withClient } from './helpers.ts';
import { stopAllChildren } from './processes.ts';
import type { BenchSettings } from './settings.ts';

/**
 * One bench run's own resources, a fresh database and a broker namespace, so figures are not
 * skewed by (and leave nothing in) what other people use; and the cleanups registered as each
 * benchmark creates things, so `close()` tears down exactly what was made, also after a failure.
 */
export interface BenchRun {
  settings: BenchSettings;
  /** `bench3f9a1c2e`: the database name, and (with a dot) the queue prefix. */
  tag: string;
  prefix: string;
  databaseUrl: string;
  /** Register a cleanup; they run last-registered first when the run closes. */
  defer(cleanup: () => Promise<void>): void;
  deleteBrokerObjects(names: BrokerObjects): Promise<void>;
}

export interface BrokerObjects {
  queues: string[];
  exchanges: string[];
}

export async function openBenchRun(settings: BenchSettings): Promise<BenchRun & { close(): Promise<void> }> {
  const admin = settings.postgresAdminUrl;
  const tag = `bench${randomBytes(4).toString('hex')}`;
  // CREATE/DROP DATABASE take no bind parameters: the tag is hex under our own prefix.
  await withClient(admin, (client) => client.query(`create database ${tag}`));
  // `with (force)`: a killed child may still hold connections.
  const drop = () =>
    withClient(admin, (client) => client.query(`drop database if exists ${tag} with (force)`));
  const url = new URL(admin);
  url.pathname = `/${tag}`;
  const databaseUrl = url.toString();
  try {
    // The worker sides are not started through scripts/start.ts, which migrates: they need `inbox`.
    const db = createPgDb(databaseUrl, { max: 1 });
    await migrate(db, await loadMigrations()).finally(() => db.close());
  } catch (err) {
    await drop();
    throw err;
  }
  const cleanups: Array<() => Promise<void>> = [];
  return {
    settings,
    tag,
    prefix: `${tag}.`,
    databaseUrl,
    defer: (cleanup) => void cleanups.push(cleanup),
    deleteBrokerObjects: (names) => deleteBrokerObjects(settings.rabbitmqUrl, names),
    async close() {
      // Children first: they hold connections to the database and the queues.
      await stopAllChildren();
      for (const cleanup of cleanups.reverse()) {
        await cleanup().catch((err: unknown) => console.error('bench cleanup failed:', err));
      }
      await drop();
    },
  };
}

/** Everything our RabbitMQ driver declares for a topology under `prefix`. */
export function platformBrokerObjects(prefix: string, topology: Topology): BrokerObjects {
  const names = topologyNames(prefix);
  const queues = topology.queues.flatMap((spec) => [
    names.main(spec.name),
    names.dlq(spec.name),
    ...Array.from({ length: retryTierCount(spec) }, (_, i) => names.retry(spec.name, i + 1)),
  ]);
  return { queues, exchanges: [names.exchange] };
}
