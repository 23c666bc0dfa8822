import { describe, expect, it } from 'vitest';
import { createBatcher } from '../../shared/runtime/batcher.ts';

function deferred() {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('createBatcher', () => {
  it('writes alone under light load and groups what waits behind busy writes', async () => {
    const writes: { items: number[]; done: ReturnType<typeof deferred> }[] = [];
    const submit = createBatcher<number>(
      (items) => {
        const done = deferred();
        writes.push({ items, done });
        return done.promise;
      },
      { maxInFlight: 2 },
    );
    const results = [1, 2, 3, 4, 5].map((n) => submit(n));
    expect(writes.map((w) => w.items)).toEqual([[1], [2]]);
    writes[0]!.done.resolve();
    await results[0];
    await new Promise((resolve) => setImmediate(resolve)); // let the finished write hand over
    expect(writes.map((w) => w.items)).toEqual([[1], [2], [3, 4, 5]]);
    writes[1]!.done.resolve();
    writes[2]!.done.resolve();
    await Promise.all(results);
  });

  it('writes a failed batch again item by item, so only the bad item fails', async () => {
    const writes: string[][] = [];
    const submit = createBatcher<string>(
      async (items) => {
        writes.push(items);
        if (items.includes('bad')) throw new Error('write failed');
      },
      { maxInFlight: 1 },
    );
    const first = submit('first');
    const [bad, neighbour] = [submit('bad'), submit('neighbour')];
    await expect(first).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow('write failed');
    await expect(neighbour).resolves.toBeUndefined();
    await expect(submit('later')).resolves.toBeUndefined();
    expect(writes).toEqual([['first'], ['bad', 'neighbour'], ['bad'], ['neighbour'], ['later']]);
  });

  it("runs writes in its own async context, not in the submitter's", async () => {
    const { AsyncLocalStorage } = await import('node:async_hooks');
    const store = new AsyncLocalStorage<string>();
    const seen: (string | undefined)[] = [];
    const submit = createBatcher<number>(async () => void seen.push(store.getStore()));
    await store.run('inside a transaction', () => submit(1));
    expect(seen).toEqual([undefined]);
  });

  it('never writes more than maxBatch items at once', async () => {
    const sizes: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const submit = createBatcher<number>(
      async (items) => {
        sizes.push(items.length);
        await gate;
      },
      { maxInFlight: 1, maxBatch: 3 },
    );
    const all = Array.from({ length: 8 }, (_, i) => submit(i));
    release();
    await Promise.all(all);
    expect(sizes).toEqual([1, 3, 3, 1]);
  });
});
