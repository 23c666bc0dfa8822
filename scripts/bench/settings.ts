/**
 * Benchmark knobs, read once from the environment so a quick run (`BENCH_TASKS=2000
 * BENCH_DURATION_S=3 npm run bench`) and the full run use the same code.
 */
export type BenchSettings = ReturnType<typeof readBenchSettings>;

export function readBenchSettings(env: NodeJS.ProcessEnv = process.env) {
  const number = (name: string, fallback: number) => positiveInteger(env, name, fallback);
  return {
    /** Postgres server the bench creates its own database on. */
    postgresAdminUrl: env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    rabbitmqUrl: env.BENCH_RABBITMQ_URL ?? env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    redisUrl: env.BENCH_REDIS_URL ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    /** pipeline, peer: tasks drained per side, the consumers' prefetch and pool, confirms awaited at once. */
    tasks: number('BENCH_TASKS', 20_000),
    prefetch: number('BENCH_PREFETCH', 50),
    poolSize: number('BENCH_POOL', 20),
    publishConcurrency: number('BENCH_PUBLISH_CONCURRENCY', 500),
    /** enqueue, notes-cache: autocannon connections (and concurrent raw publishers), seconds per side. */
    connections: number('BENCH_CONNECTIONS', 50),
    durationSeconds: number('BENCH_DURATION_S', 10),
    /** sqs-pipeline: fewer tasks (the emulator is slower than RabbitMQ); the SDK's default of 50 sockets. */
    sqsTasks: number('BENCH_SQS_TASKS', 5_000),
    sqsPublishConcurrency: number('BENCH_SQS_PUBLISH_CONCURRENCY', 50),
    /** outbox: messages relayed, and the producer's rate while the lag is measured. */
    outboxMessages: number('BENCH_OUTBOX_MESSAGES', 20_000),
    outboxRate: number('BENCH_OUTBOX_RATE', 2_000),
    importRows: number('BENCH_IMPORT_ROWS', 1_000_000),
    peopleUsers: number('BENCH_PEOPLE_USERS', 10_000),
    /** cold-start: fresh processes per Lambda bundle; the medians are over these. */
    coldRuns: number('BENCH_COLD_RUNS', 7),
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
