import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createObjectStore,
  InvalidKeyError,
  ObjectNotFoundError,
  ObjectTooLargeError,
  type ObjectStore,
} from '../../shared/storage/index.ts';
import { startS3Emulator, type S3Emulator } from '../helpers/s3.ts';

/** The same behaviour from the folder store and the S3 store (on the fauxqs emulator). */
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

const stores: [string, () => Promise<ObjectStore>][] = [
  ['a folder', async () => createObjectStore({ dir: await mkdtemp(path.join(dir, 'store-')) })],
  [
    'an S3 bucket',
    async () =>
      createObjectStore({
        bucket: await s3.createBucket(),
        prefix: 'files/',
        pageSize: 2,
        ...s3.storeOptions,
      }),
  ],
];

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

describe.each(stores)('the object store on %s', (_name, makeStore) => {
  let store: ObjectStore;
  beforeAll(async () => {
    store = await makeStore();
  });

  it('writes, lists in key order (across pages) with sizes, reads back and deletes', async () => {
    await store.write('b/2.csv', 'two');
    await store.write('a.csv', Buffer.from('one'));
    await store.write('b/1.csv', 'uno');
    const listed = [];
    for await (const object of store.list()) listed.push([object.key, object.size]);
    expect(listed).toEqual([
      ['a.csv', 3],
      ['b/1.csv', 3],
      ['b/2.csv', 3],
    ]);
    expect(await keys(store, 'b/')).toEqual(['b/1.csv', 'b/2.csv']);
    expect(await text(store, 'b/1.csv')).toBe('uno');
    await store.delete('b/1.csv');
    await store.delete('b/2.csv');
    await store.delete('a.csv');
    expect(await keys(store)).toEqual([]);
  });

  it('streams a multi-part body in and out byte for byte', async () => {
    const part = Buffer.alloc(1024 * 1024, 'x');
    async function* body() {
      for (let i = 0; i < 12; i++) yield Buffer.concat([Buffer.from(`[${i}]`), part]); // ≈ 12 MiB: 3 S3 parts
    }
    const written = await store.write('big.csv', body());
    expect(written.size).toBe(12 * (part.length + 3) + 2);
    const { body: read } = await store.read('big.csv');
    let size = 0;
    let chunks = 0;
    for await (const chunk of read) {
      size += chunk.byteLength;
      chunks++;
    }
    expect(size).toBe(written.size);
    expect(chunks).toBeGreaterThan(1);
    await store.delete('big.csv');
  });

  it('refuses a body beyond maxBytes and keeps nothing of it', async () => {
    async function* body() {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(1024, 'y');
    }
    await expect(store.write('too-big.csv', body(), { maxBytes: 4096 })).rejects.toThrow(ObjectTooLargeError);
    expect(await keys(store)).toEqual([]);
  });

  it('answers a missing key with ObjectNotFoundError and refuses keys that leave the store', async () => {
    await expect(store.read('missing.csv')).rejects.toThrow(ObjectNotFoundError);
    for (const key of ['../escape.csv', '/abs.csv', 'a//b.csv', '']) {
      await expect(store.write(key, 'x')).rejects.toThrow(InvalidKeyError);
    }
  });
});

it('the folder store never lists a file while it is being written', async () => {
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
