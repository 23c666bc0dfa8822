import { loadMigrations, migrate } from '../../shared/db/migrate.ts';
import { createPgDb } from '../../shared/db/pg.ts';
import type { Topology } from '../../shared/queue/port.ts';
import { retryTierCount, topologyNames } from '../../shared/queue/rabbitmq/index.ts';
import { createBenchDatabase, deleteBrokerObjects, runTag } from './helpers.ts';
import { stopAllChildren } from './processes.ts';
import type { BenchSettings } from './settings.ts';

/**
 * One bench run's own resources — a fresh database and a broker namespace — and the cleanups
 * registered as each benchmark creates things, so that `close()` tears down exactly what was
 * made, also after a failure halfway.
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
  const tag = runTag();
  const database = await createBenchDatabase(settings.postgresAdminUrl, tag);
  try {
    await migrateDatabase(database.url);
  } catch (err) {
    await database.drop();
    throw err;
  }
  const cleanups: Array<() => Promise<void>> = [];
  return {
    settings,
    tag,
    prefix: `${tag}.`,
    databaseUrl: database.url,
    defer: (cleanup) => void cleanups.push(cleanup),
    deleteBrokerObjects: (names) => deleteBrokerObjects(settings.rabbitmqUrl, names),
    async close() {
      // Children first: they hold connections to the database and the queues.
      await stopAllChildren();
      for (const cleanup of cleanups.reverse()) {
        await cleanup().catch((err: unknown) => console.error('bench cleanup failed:', err));
      }
      await database.drop();
    },
  };
}

/**
 * Apply the project's migrations, as the runner does at start: the task pipeline's worker is
 * not started through `scripts/start.ts` and needs the platform's `inbox` table.
 */
async function migrateDatabase(url: string): Promise<void> {
  const db = createPgDb(url, { max: 1 });
  try {
    await migrate(db, await loadMigrations());
  } finally {
    await db.close();
  }
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
