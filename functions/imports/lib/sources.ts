import { createHash, randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Queryable } from '../../../shared/db/port.ts';
import { createObjectStore, type ObjectStore } from '../../../shared/contract/index.ts';
import type { ImportFile } from './importer.ts';
import { registerImport, type ImportRecord, type ImportSource } from './imports-store.ts';
import type { ImportsSettings } from './settings.ts';

/**
 * Where import files come from and where they are kept, behind the platform's object store:
 * - inboxes: the local inbox folder, and the bucket's `inbox/` when IMPORTS_BUCKET is set. A new
 *   `.csv` file there is moved into the file store and registered by the daily import.
 * - the file store: every imported file (uploads are written straight into it), kept so that an
 *   import can be resumed or re-run, and so a worker on another machine (Lambda) can read it.
 *   The bucket's `files/` when IMPORTS_BUCKET is set, else a folder under DATA_DIR.
 */
export interface ImportStores {
  inboxes: { source: ImportSource; store: ObjectStore }[];
  files: ObjectStore;
}

/** A file still being written into the inbox is left for the next run. */
const SETTLE_MS = 5_000;

export function importStores(settings: ImportsSettings): ImportStores {
  const { s3Endpoint, region } = settings;
  const bucket = (prefix: string) =>
    createObjectStore({
      bucket: settings.bucket!,
      prefix,
      region,
      ...(s3Endpoint ? { endpoint: s3Endpoint } : {}),
    });
  const inbox = { source: 'inbox' as const, store: createObjectStore({ dir: settings.inboxDir }) };
  if (!settings.bucket) return { inboxes: [inbox], files: createObjectStore({ dir: settings.filesDir }) };
  return { inboxes: [inbox, { source: 's3', store: bucket('inbox/') }], files: bucket('files/') };
}

export interface KeptFile {
  objectKey: string;
  checksum: string;
  sizeBytes: number;
}

/**
 * Stream `body` into the file store, hashing it on the way: nothing is held in memory, and a
 * body beyond `maxBytes` leaves nothing behind (the store's TooLarge error).
 */
export async function keepFile(
  files: ObjectStore,
  fileName: string,
  body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  maxBytes?: number,
): Promise<KeptFile> {
  const hash = createHash('sha256');
  let sizeBytes = 0;
  async function* hashed(): AsyncGenerator<Uint8Array> {
    for await (const chunk of body) {
      hash.update(chunk);
      sizeBytes += chunk.byteLength;
      yield chunk;
    }
  }
  const day = new Date().toISOString().slice(0, 10);
  const objectKey = `${day}/${randomUUID().slice(0, 8)}-${safeFileName(fileName)}`;
  await files.write(objectKey, hashed(), maxBytes === undefined ? {} : { maxBytes });
  return { objectKey, checksum: hash.digest('hex'), sizeBytes };
}

/** A name fit for a key and a page: the base name, with anything unusual replaced. */
export function safeFileName(name: string): string {
  const base = path.posix.basename(name.replaceAll('\\', '/')).trim();
  const safe = base
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 120);
  return safe || 'upload.csv';
}

/**
 * Move every settled `.csv` file of the inboxes into the file store and register it; the same
 * bytes as an earlier import are registered as a duplicate of it. Files of other types stay.
 */
export async function collectInboxes(
  db: Queryable,
  stores: ImportStores,
  log: Logger,
): Promise<ImportRecord[]> {
  const registered: ImportRecord[] = [];
  for (const { source, store } of stores.inboxes) {
    for await (const object of store.list()) {
      if (!object.key.toLowerCase().endsWith('.csv')) {
        log.warn({ key: object.key, inbox: store.description }, 'not a .csv file: left in the inbox');
        continue;
      }
      // An S3 object appears whole; a file in a folder may still be being written.
      if (store.kind === 'folder' && Date.now() - object.modified.getTime() < SETTLE_MS) continue;
      const { body } = await store.read(object.key);
      const kept = await keepFile(stores.files, object.key, body);
      const { import: row } = await registerImport(db, {
        fileName: path.posix.basename(object.key),
        source,
        ...kept,
      });
      await store.delete(object.key);
      log.info({ importId: row.id, file: row.fileName, status: row.status }, 'inbox file registered');
      registered.push(row);
    }
  }
  return registered;
}

/** An import's file in the store, readable from any byte (a resumed import skips the staged part). */
export function storedFile(files: ObjectStore, objectKey: string): ImportFile {
  return {
    async open(offset) {
      return (await files.read(objectKey, { from: offset })).body;
    },
  };
}
