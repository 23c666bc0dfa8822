import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { DbError } from './port.ts';

export interface FileLock {
  release(): Promise<void>;
}

/**
 * Claim `lockPath` for this process. PGlite happily opens a data folder that another PGlite
 * (this process or another, e.g. `npm run migrate` beside `npm start`) already has open, and
 * two writers corrupt it; this file turns that into a clear error. A lock left by a process
 * that died is taken over.
 *
 * @example
 *   const lock = await lockFile('.data/pg.lock');
 *   try { ... } finally { await lock.release(); }
 */
export async function lockFile(lockPath: string): Promise<FileLock> {
  // Write the pid to a private file, then hard-link it into place: the lock appears atomically
  // with its content, so a concurrent reader never sees an empty lock file.
  const candidate = `${lockPath}.${process.pid}`;
  await writeFile(candidate, String(process.pid));
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(candidate, lockPath);
        return { release: () => rm(lockPath, { force: true }) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (isAlive(owner)) {
        const who = owner === process.pid ? 'this process' : `process ${owner}`;
        throw new DbError(
          `The embedded database is already open by ${who} (lock file ${lockPath}): stop that runner first, or use another DATA_DIR`,
        );
      }
      await rm(lockPath, { force: true });
    }
  } finally {
    await rm(candidate, { force: true });
  }
  throw new DbError(`Could not take the lock ${lockPath}: another process keeps taking it`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
