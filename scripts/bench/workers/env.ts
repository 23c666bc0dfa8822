/**
 * The environment a bench child process is started with: a missing variable is the bench's bug,
 * said at once and by name rather than as a confusing failure later.
 *
 * @example
 *   const env = requiredEnv('raw-worker');
 *   const prefetch = Number(env('BENCH_PREFETCH'));
 */
export function requiredEnv(worker: string): (name: string) => string {
  return (name) => {
    const value = process.env[name];
    if (!value) throw new Error(`${worker} needs ${name}`);
    return value;
  };
}
