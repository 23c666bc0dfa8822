/**
 * Group commit for small writes. Items submitted while `maxInFlight` earlier batches are
 * still running wait and are written together by the next call of `write`, so a burst of N
 * submissions costs a few round trips (and commits) instead of N. Under light load every
 * item is written alone, at once: batching only ever replaces waiting.
 *
 * @example
 *   const insertJob = createBatcher((rows: JobRow[]) => insertJobs(db, rows), { maxInFlight: 4 });
 *   await insertJob(row); // resolves once the batch holding `row` is written
 */
export function createBatcher<T>(
  write: (items: T[]) => Promise<void>,
  options: { maxInFlight?: number; maxBatch?: number } = {},
): (item: T) => Promise<void> {
  const maxInFlight = options.maxInFlight ?? 4;
  const maxBatch = options.maxBatch ?? 500;
  const waiting: { item: T; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < maxInFlight && waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      inFlight++;
      write(batch.map((w) => w.item))
        .then(
          () => batch.forEach((w) => w.resolve()),
          (err: unknown) => batch.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      pump();
    });
}
