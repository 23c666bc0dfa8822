import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  loadMigrations,
  migrate,
  migrationChecksum,
  MigrationError,
  SQL_DIR,
} from '../../shared/db/migrate.ts';
import type { Db } from '../../shared/db/port.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
  dirs.push(dir);
  await Promise.all(Object.entries(files).map(([name, sql]) => writeFile(path.join(dir, name), sql)));
  return dir;
}

describe('loadMigrations', () => {
  it('reads .sql files in name order and ignores other files', async () => {
    const dir = await folderWith({
      '0002_second.sql': 'select 2;',
      '0001_first.sql': 'select 1;',
      'README.md': 'not a migration',
    });
    expect(await loadMigrations(dir)).toEqual([
      { name: '0001_first.sql', sql: 'select 1;' },
      { name: '0002_second.sql', sql: 'select 2;' },
    ]);
  });

  it('rejects .sql files that are not named NNNN_name.sql', async () => {
    const dir = await folderWith({ '0001_first.sql': '', '2_oops.sql': '' });
    await expect(loadMigrations(dir)).rejects.toThrow(/2_oops\.sql/);
  });

  it("finds the project's sql folder by default, starting with the platform migration", async () => {
    const migrations = await loadMigrations();
    expect(migrations[0]?.name).toBe('0001_platform.sql');
    expect(await loadMigrations(SQL_DIR)).toEqual(migrations);
  });
});

describe('migrationChecksum', () => {
  it('ignores the line ending style but not content', () => {
    expect(migrationChecksum('a;\r\nb;\r\n')).toBe(migrationChecksum('a;\nb;\n'));
    expect(migrationChecksum('a;')).not.toBe(migrationChecksum('b;'));
  });
});

describe('migrate', () => {
  it('rejects two migrations with the same name before touching the database', async () => {
    const untouchable = new Proxy({} as Db, {
      get: () => {
        throw new Error('the database was used');
      },
    });
    const same = { name: '0001_a.sql', sql: 'select 1' };
    await expect(migrate(untouchable, [same, same])).rejects.toThrow(MigrationError);
  });
});
