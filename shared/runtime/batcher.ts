import { AsyncResource } from 'node:async_hooks';

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
export function createBatcher<T, R = void>(
  write: (items: T[]) => Promise<R[] | void>,
  options: { maxInFlight?: number; maxBatch?: number } = {},
): (item: T) => Promise<R> {
  const maxInFlight = options.maxInFlight ?? 4;
  const maxBatch = options.maxBatch ?? 500;
  const waiting: { item: T; resolve: (result: R) => void; reject: (err: unknown) => void }[] = [];
  let inFlight = 0;
  // A batch starts from whichever submitter or finished batch pumps; write it in the batcher's
  // own async context so no caller's context (a transaction, a request) leaks into it.
  const scope = new AsyncResource('batcher');

  function pump(): void {
    while (inFlight < maxInFlight && waiting.length > 0) {
      const batch = waiting.splice(0, maxBatch);
      inFlight++;
      scope
        .runInAsyncScope(() => writeIsolatingFailures(batch))
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  /**
   * Each item gets its own result when `write` returns them in order. A batch that throws is
   * written again item by item, so one bad item fails alone.
   */
  async function writeIsolatingFailures(batch: typeof waiting): Promise<void> {
    try {
      const results = await write(batch.map((w) => w.item));
      batch.forEach((w, i) => w.resolve(results?.[i] as R));
    } catch (err) {
      if (batch.length === 1) return batch[0]!.reject(err);
      for (const w of batch) {
        await write([w.item]).then((results) => w.resolve(results?.[0] as R), w.reject);
      }
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      pump();
    });
}
