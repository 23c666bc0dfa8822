import { randomUUID } from 'node:crypto';
import { constants, createWriteStream, type Dirent } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  checkKey,
  isValidKey,
  meterBody,
  ObjectNotFoundError,
  type ObjectStore,
  type StoredObject,
} from './port.ts';

/** Names of files being written: never listed, so a half-written object is never seen. */
const TEMP_PREFIX = '.tmp-';

/**
 * The object store on a local folder (the embedded default). Keys are paths under `dir`, so a
 * key cannot be both an object and a "folder" of others (`a.csv` and `a.csv/b`) as on S3. A write
 * goes to a temporary file renamed into place when complete (atomic on one file system); a process
 * killed mid-write leaves that `.tmp-*` file behind, unlisted. Folders emptied by a move or a
 * delete are kept: removing them would race with a write creating a file in them.
 */
export function createFolderStore(dir: string): ObjectStore {
  const root = path.resolve(dir);
  const fileOf = (key: string) => path.join(root, ...checkKey(key).split('/'));
  const missing = (key: string, cause?: unknown) =>
    new ObjectNotFoundError(`No object ${key} in ${dir}`, cause === undefined ? undefined : { cause });

  return {
    kind: 'folder',
    description: `folder ${dir}`,

    async *list(prefix = '') {
      // Only the folder the prefix names is walked (`inbox/` does not read `done/`).
      const folderKey = prefix.slice(0, prefix.lastIndexOf('/') + 1).replace(/\/$/, '');
      if (folderKey && !isValidKey(folderKey)) return; // no key can start with it
      const folder = folderKey ? fileOf(folderKey) : root;
      for await (const object of walk(folder, folderKey)) {
        if (object.key.startsWith(prefix)) yield object;
      }
    },

    async read(key, options = {}) {
      const handle = await open(fileOf(key), 'r').catch((err: NodeJS.ErrnoException) => {
        throw err.code === 'ENOENT' || err.code === 'ENOTDIR' ? missing(key, err) : err;
      });
      // Size and bytes come from the same open file, even if the key is replaced meanwhile.
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        throw missing(key);
      }
      return { body: handle.createReadStream({ start: options.from ?? 0 }), size: info.size };
    },

    async write(key, body, options = {}) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temp = path.join(path.dirname(file), `${TEMP_PREFIX}${randomUUID()}`);
      const metered = meterBody(body, options);
      try {
        await pipeline(Readable.from(metered.chunks), createWriteStream(temp));
        await rename(temp, file);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      const info = await stat(file);
      return { key, size: metered.bytes(), modified: info.mtime };
    },

    async move(from, to) {
      const source = fileOf(from);
      const target = fileOf(to);
      const info = await stat(source).catch(() => undefined);
      if (!info?.isFile()) throw missing(from);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(source, target).catch((err: NodeJS.ErrnoException) => {
        throw err.code === 'ENOENT' ? missing(from, err) : err; // moved or deleted meanwhile
      });
    },

    async delete(key) {
      await unlink(fileOf(key)).catch((err: NodeJS.ErrnoException) => {
        // No file by that name: nothing to delete, as on S3 (where a "folder" is no object either).
        if (err.code !== 'ENOENT' && err.code !== 'ENOTDIR' && err.code !== 'EISDIR') throw err;
      });
    },

    async check() {
      // The folder is created on first write anyway; creating it here proves that writes can.
      await mkdir(root, { recursive: true });
      await access(root, constants.R_OK | constants.W_OK);
    },
  };
}

/** The files under `folder` (whose key is `folderKey`), depth first, in S3's key order. */
async function* walk(folder: string, folderKey: string): AsyncGenerator<StoredObject> {
  const entries = await readdir(folder, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
    throw err;
  });
  for (const entry of inKeyOrder(entries)) {
    if (entry.name.startsWith(TEMP_PREFIX)) continue;
    const key = folderKey ? `${folderKey}/${entry.name}` : entry.name;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(full, key);
    else if (entry.isFile()) {
      const info = await stat(full).catch(() => undefined); // deleted meanwhile
      if (info) yield { key, size: info.size, modified: info.mtime };
    }
  }
}

/**
 * S3 lists keys in UTF-8 byte order. A folder's files come right where its name followed by '/'
 * would: `a-b.csv` before `a/x.csv`, since '-' sorts before '/'.
 */
function inKeyOrder(entries: Dirent[]): Dirent[] {
  return entries
    .map((entry) => ({ entry, sortKey: Buffer.from(entry.isDirectory() ? `${entry.name}/` : entry.name) }))
    .sort((a, b) => Buffer.compare(a.sortKey, b.sortKey))
    .map(({ entry }) => entry);
}
