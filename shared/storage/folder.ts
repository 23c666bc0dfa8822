import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkKey, limitBytes, ObjectNotFoundError, type ObjectStore, type StoredObject } from './port.ts';

/** Names of files being written: never listed, so a half-written object is never seen. */
const TEMP_PREFIX = '.tmp-';

/**
 * The object store on a local folder (the embedded default). Keys are paths under `dir`; a write
 * goes to a temporary file renamed into place when complete (atomic on one file system).
 */
export function createFolderStore(dir: string): ObjectStore {
  const root = path.resolve(dir);
  const fileOf = (key: string) => path.join(root, ...checkKey(key).split('/'));

  async function* walk(folder: string, prefix: string): AsyncGenerator<StoredObject> {
    const entries = await readdir(folder, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw err;
    });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith(TEMP_PREFIX)) continue;
      const key = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) yield* walk(full, key);
      else if (entry.isFile()) {
        const info = await stat(full).catch(() => undefined); // deleted meanwhile
        if (info) yield { key, size: info.size, modified: info.mtime };
      }
    }
  }

  return {
    kind: 'folder',
    description: `folder ${dir}`,

    async *list(prefix = '') {
      for await (const object of walk(root, '')) if (object.key.startsWith(prefix)) yield object;
    },

    async read(key) {
      const file = fileOf(key);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw new ObjectNotFoundError(`No object ${key} in ${dir}`);
      return { body: createReadStream(file), size: info.size };
    },

    async write(key, body, options = {}) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temp = path.join(path.dirname(file), `${TEMP_PREFIX}${randomUUID()}`);
      try {
        await pipeline(Readable.from(limitBytes(body, options.maxBytes)), createWriteStream(temp));
        await rename(temp, file);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      const info = await stat(file);
      return { key, size: info.size, modified: info.mtime };
    },

    async delete(key) {
      await rm(fileOf(key), { force: true });
    },
  };
}
