import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createObjectStore,
  InvalidKeyError,
  ObjectNotFoundError,
  ObjectTooLargeError,
  type ObjectStore,
} from '../../shared/storage/index.ts';
import { startS3Emulator, type S3Emulator } from '../helpers/s3.ts';

/**
 * One conformance suite for every object store: a folder (a temporary one) and an S3 bucket (on
 * the fauxqs emulator) must behave alike, down to the order of keys.
 */
let s3: S3Emulator;
let dir: string;
beforeAll(async () => {
  s3 = await startS3Emulator();
  dir = await mkdtemp(path.join(tmpdir(), 'object-store-'));
});
afterAll(async () => {
  await s3?.stop();
  await rm(dir, { recursive: true, force: true });
});

interface StoreUnderTest {
  store: ObjectStore;
  /** What a failed write could leave behind unlisted: temporary files, pending multipart uploads. */
  leftovers(): Promise<number>;
}

const MiB = 1024 * 1024;

const kinds: [string, () => Promise<StoreUnderTest>][] = [
  [
    'a folder',
    async () => {
      const root = await mkdtemp(path.join(dir, 'store-'));
      const temporaryFiles = async () =>
        (await readdir(root, { recursive: true })).filter((file) => path.basename(file).startsWith('.tmp-'));
      return {
        store: createObjectStore({ dir: root }),
        leftovers: async () => (await temporaryFiles()).length,
      };
    },
  ],
  [
    'an S3 bucket',
    async () => ({
      // Pages of 2 keys, so that listing a handful of keys crosses ListObjectsV2 pages.
      store: createObjectStore({
        bucket: await s3.createBucket(),
        prefix: 'files/',
        pageSize: 2,
        ...s3.storeOptions,
      }),
      leftovers: () => s3.pendingUploads(),
    }),
  ],
];

describe.each(kinds)('the object store on %s', (_name, makeStore) => {
  let store: ObjectStore;
  let leftovers: () => Promise<number>;
  beforeEach(async () => {
    ({ store, leftovers } = await makeStore());
  });

  it('lists every key in byte order, as S3 does, with sizes', async () => {
    for (const key of ['b/2.csv', 'a0.csv', 'a/x.csv', 'a.csv', 'a-b.csv', 'b/1.csv']) {
      const written = await store.write(key, key.toUpperCase());
      expect(written).toMatchObject({ key, size: key.length });
    }
    const listed = [];
    for await (const object of store.list()) listed.push([object.key, object.size]);
    // '-' < '.' < '/' < '0': a folder's keys sit between its neighbours by name, not after them.
    expect(listed).toEqual([
      ['a-b.csv', 7],
      ['a.csv', 5],
      ['a/x.csv', 7],
      ['a0.csv', 6],
      ['b/1.csv', 7],
      ['b/2.csv', 7],
    ]);
    expect(await text(store, 'a/x.csv')).toBe('A/X.CSV');
  });

  it('lists the keys under a prefix, a folder or part of a name', async () => {
    for (const key of ['a-b.csv', 'a.csv', 'a/x.csv', 'a0.csv', 'b/1.csv', 'b/2.csv', 'b/10.csv']) {
      await store.write(key, 'x');
    }
    expect(await keys(store, 'b/')).toEqual(['b/1.csv', 'b/10.csv', 'b/2.csv']);
    expect(await keys(store, 'b/1')).toEqual(['b/1.csv', 'b/10.csv']);
    expect(await keys(store, 'a')).toEqual(['a-b.csv', 'a.csv', 'a/x.csv', 'a0.csv']);
    expect(await keys(store, 'a/')).toEqual(['a/x.csv']);
    expect(await keys(store, 'a.csv/')).toEqual([]);
    expect(await keys(store, 'c/')).toEqual([]);
    expect(await keys(store, 'a//')).toEqual([]);
  });

  it('streams a multi-MB body in and out, byte for byte and chunk by chunk', async () => {
    const hashIn = createHash('sha256');
    async function* body() {
      for (let i = 0; i < 12; i++) {
        const chunk = randomBytes(MiB); // ≈ 12 MiB: three S3 parts
        hashIn.update(chunk);
        yield chunk;
      }
    }
    const written = await store.write('big.bin', body());
    expect(written.size).toBe(12 * MiB);

    const { body: read, size } = await store.read('big.bin');
    expect(size).toBe(12 * MiB);
    const hashOut = createHash('sha256');
    let chunks = 0;
    for await (const chunk of read) {
      hashOut.update(chunk);
      chunks++;
    }
    expect(hashOut.digest('hex')).toBe(hashIn.digest('hex'));
    expect(chunks).toBeGreaterThan(1);
    expect(await leftovers()).toBe(0);
  });

  it('reads the rest of an object from a byte on, and nothing from its end', async () => {
    const bytes = Buffer.from('0123456789'.repeat(1000));
    await store.write('rest.txt', bytes);
    const read = async (from: number) => {
      const { body, size } = await store.read('rest.txt', { from });
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(Buffer.from(chunk));
      return { text: Buffer.concat(chunks).toString(), size };
    };
    expect(await read(9_995)).toEqual({ text: '56789', size: 10_000 });
    expect(await read(3)).toEqual({ text: bytes.subarray(3).toString(), size: 10_000 });
    expect(await read(10_000)).toEqual({ text: '', size: 10_000 });
    await expect(store.read('missing.txt', { from: 5 })).rejects.toThrow(ObjectNotFoundError);
  });

  it('refuses a body beyond maxBytes and keeps nothing of it, even after parts were stored', async () => {
    await store.write('report.csv', 'the old report');
    const filler = (chunks: number, size: number) =>
      (async function* () {
        for (let i = 0; i < chunks; i++) yield Buffer.alloc(size, 'y');
      })();

    await expect(store.write('small.csv', filler(10, 1024), { maxBytes: 4096 })).rejects.toThrow(
      ObjectTooLargeError,
    );
    // 12 MiB against 7 MiB: S3 has stored a 5 MiB part when the limit is passed.
    await expect(store.write('report.csv', filler(12, MiB), { maxBytes: 7 * MiB })).rejects.toThrow(
      ObjectTooLargeError,
    );
    expect(await keys(store)).toEqual(['report.csv']);
    expect(await text(store, 'report.csv')).toBe('the old report');
    expect(await leftovers()).toBe(0);
  });

  it('keeps nothing of a body that fails midway', async () => {
    async function* broken() {
      yield Buffer.alloc(6 * MiB, 'z');
      throw new Error('the source broke');
    }
    await expect(store.write('broken.csv', broken())).rejects.toThrow('the source broke');
    expect(await keys(store)).toEqual([]);
    expect(await leftovers()).toBe(0);
  });

  it('moves an object to another key, replacing what was there', async () => {
    await store.write('inbox/items.csv', 'new');
    await store.write('done/items.csv', 'old');
    await store.move('inbox/items.csv', 'done/items.csv');
    expect(await keys(store)).toEqual(['done/items.csv']);
    expect(await text(store, 'done/items.csv')).toBe('new');

    // Names a URL would mangle, into a folder that does not exist yet.
    await store.write('inbox/a b+c%20é.csv', 'odd');
    await store.move('inbox/a b+c%20é.csv', 'done/2026/a b+c%20é.csv');
    expect(await text(store, 'done/2026/a b+c%20é.csv')).toBe('odd');

    await store.move('done/items.csv', 'done/items.csv');
    expect(await text(store, 'done/items.csv')).toBe('new');
    await expect(store.move('inbox/missing.csv', 'done/missing.csv')).rejects.toThrow(ObjectNotFoundError);
    expect(await keys(store)).toEqual(['done/2026/a b+c%20é.csv', 'done/items.csv']);
  });

  it('deletes an object; a missing key or a "folder" is nothing to delete', async () => {
    await store.write('b/1.csv', 'one');
    await store.delete('b');
    await store.delete('missing.csv');
    await store.delete('missing/deeper.csv');
    expect(await keys(store)).toEqual(['b/1.csv']);
    await store.delete('b/1.csv');
    expect(await keys(store)).toEqual([]);
  });

  it('answers a key with no object with ObjectNotFoundError', async () => {
    await store.write('b/1.csv', 'one');
    for (const key of ['missing.csv', 'b', 'missing/deeper.csv', 'b/1.csv/deeper']) {
      await expect(store.read(key)).rejects.toThrow(ObjectNotFoundError);
    }
  });

  it('refuses keys that are empty, absolute, unnamed or climb out of the store', async () => {
    for (const key of ['', '/abs.csv', '../escape.csv', 'a/../../escape.csv', './a.csv', 'a//b.csv', 'a/']) {
      await expect(store.write(key, 'x')).rejects.toThrow(InvalidKeyError);
      await expect(store.read(key)).rejects.toThrow(InvalidKeyError);
      await expect(store.move('a.csv', key)).rejects.toThrow(InvalidKeyError);
      await expect(store.delete(key)).rejects.toThrow(InvalidKeyError);
    }
    expect(await keys(store)).toEqual([]);
  });

  it('answers its check', async () => {
    await expect(store.check()).resolves.toBeUndefined();
  });
});

describe('the folder store', () => {
  it('never lists a file while it is being written', async () => {
    const folder = await mkdtemp(path.join(dir, 'atomic-'));
    const store = createObjectStore({ dir: folder });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* slow() {
      yield Buffer.from('first half,');
      await gate;
      yield Buffer.from('second half\n');
    }
    const writing = store.write('slow.csv', slow());
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await keys(store)).toEqual([]);
    expect((await readdir(folder)).some((name) => name.startsWith('.tmp-'))).toBe(true);
    release();
    await writing;
    expect(await keys(store)).toEqual(['slow.csv']);
    expect(await text(store, 'slow.csv')).toBe('first half,second half\n');
  });

  it('writes nothing outside its folder', async () => {
    const parent = await mkdtemp(path.join(dir, 'parent-'));
    const store = createObjectStore({ dir: path.join(parent, 'store') });
    await expect(store.write('../escape.csv', 'x')).rejects.toThrow(InvalidKeyError);
    expect(await readdir(parent)).toEqual([]);
    expect(store.description).toBe(`folder ${path.join(parent, 'store')}`);
  });
});

describe('the S3 store', () => {
  it('sees only the keys under its prefix of the bucket', async () => {
    const bucket = await s3.createBucket();
    const files = createObjectStore({ bucket, prefix: 'files/', ...s3.storeOptions });
    const inbox = createObjectStore({ bucket, prefix: 'inbox/', ...s3.storeOptions });
    await files.write('a.csv', 'kept');
    await inbox.write('b.csv', 'new');
    expect(await keys(files)).toEqual(['a.csv']);
    expect(await keys(inbox)).toEqual(['b.csv']);
    expect(await keys(createObjectStore({ bucket, ...s3.storeOptions }))).toEqual([
      'files/a.csv',
      'inbox/b.csv',
    ]);
    expect(files.description).toBe(`s3://${bucket}/files/`);
  });

  it('fails its check when the bucket does not exist', async () => {
    const store = createObjectStore({ bucket: 'no-such-bucket', ...s3.storeOptions });
    await expect(store.check()).rejects.toThrow(/bucket/i);
  });
});

async function text(store: ObjectStore, key: string): Promise<string> {
  const { body } = await store.read(key);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
}

async function keys(store: ObjectStore, prefix?: string): Promise<string[]> {
  const found: string[] = [];
  for await (const object of store.list(prefix)) found.push(object.key);
  return found;
}
