/**
 * Benchmark knobs, read once from the environment so a quick run (`BENCH_TASKS=2000
 * BENCH_DURATION_S=3 npm run bench`) and the full run use the same code.
 */
export interface BenchSettings {
  /** Postgres server the bench creates its own database on (any existing database works here). */
  postgresAdminUrl: string;
  rabbitmqUrl: string;
  /** (f) Redis of the Notes cache side; the run's keys live under a prefix of its own. */
  redisUrl: string;
  /** (a) Tasks pushed through each pipeline. */
  tasks: number;
  /** (a) Prefetch of both consumers (our task's `concurrency`, the raw consumer's `prefetch`). */
  prefetch: number;
  /** (a) Postgres pool size of both consumers. */
  poolSize: number;
  /** (a) Publishes awaiting their confirm at once, on both sides. */
  publishConcurrency: number;
  /** (b), (f) autocannon connections; (b) also concurrent raw publishers. */
  connections: number;
  /** (b), (f) Seconds each side runs. */
  durationSeconds: number;
  /** (d) Tasks pushed through each side of the pipeline on SQS: the emulator is slower than RabbitMQ. */
  sqsTasks: number;
  /** (d) SendMessage calls in flight at once, on both sides: the SDK's default of 50 sockets per client. */
  sqsPublishConcurrency: number;
  /** (e) Fresh processes started per Lambda bundle; the medians are over these. */
  coldRuns: number;
}

export function readBenchSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  return {
    postgresAdminUrl: env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    rabbitmqUrl: env.BENCH_RABBITMQ_URL ?? env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    redisUrl: env.BENCH_REDIS_URL ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    tasks: positiveInteger(env, 'BENCH_TASKS', 20_000),
    prefetch: positiveInteger(env, 'BENCH_PREFETCH', 50),
    poolSize: positiveInteger(env, 'BENCH_POOL', 20),
    publishConcurrency: positiveInteger(env, 'BENCH_PUBLISH_CONCURRENCY', 500),
    connections: positiveInteger(env, 'BENCH_CONNECTIONS', 50),
    durationSeconds: positiveInteger(env, 'BENCH_DURATION_S', 10),
    sqsTasks: positiveInteger(env, 'BENCH_SQS_TASKS', 5_000),
    sqsPublishConcurrency: positiveInteger(env, 'BENCH_SQS_PUBLISH_CONCURRENCY', 50),
    coldRuns: positiveInteger(env, 'BENCH_COLD_RUNS', 7),
  };
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  // A typo must fail loudly, not silently benchmark something else.
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name} must be a positive integer, got '${raw}'`);
  return value;
}
