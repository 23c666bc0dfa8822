import { spawn } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig } from '../../shared/config.ts';
import { embeddedDataDir } from '../../shared/db/index.ts';
import { SQL_DIR } from '../../shared/db/migrate.ts';
import { runSeeds } from '../../shared/runtime/seeds.ts';
import { createLogger } from '../../shared/observability/logger.ts';
import { UsageError } from '../lib/run-script.ts';
import { withDb } from './platform.ts';

/** migration:new, seed, db:shell, sql (migrate stays in scripts/migrate.ts, shared with npm run migrate). */
export function addDbCommands(program: Command): void {
  program
    .command('migration:new')
    .description('create the next numbered migration file in sql/')
    .argument('<name>', 'what it does, in words or snake_case (e.g. "add item tags")')
    .action(async (name: string) => console.log(await newMigration(name, fileURLToPath(SQL_DIR))));

  program
    .command('seed')
    .description("migrate, then run every app's seed (sample data; idempotent)")
    .action(() =>
      withDb(async (db, config) => {
        await runSeeds(db, createLogger(config.LOG_LEVEL), config);
        console.log('seeds done');
      }),
    );

  program
    .command('db:shell')
    .description('psql on DATABASE_URL')
    .action(async () => {
      const config = loadConfig();
      if (!config.DATABASE_URL) {
        throw new UsageError(
          `The embedded database (${embeddedDataDir(config)}) runs inside this project's processes, not as a ` +
            'server psql can reach. Run one statement with `npm run cli -- sql "select ..."`, or set DATABASE_URL.',
        );
      }
      const psql = spawn('psql', [config.DATABASE_URL], { stdio: 'inherit' });
      await new Promise<void>((resolve, reject) => {
        psql.on('error', (err) =>
          reject(new UsageError(`psql could not start (${err.message}): is it installed?`)),
        );
        psql.on('exit', (code) => ((process.exitCode = code ?? 1), resolve()));
      });
    });

  program
    .command('sql')
    .description('run one SQL statement on the configured database and print its rows')
    .argument('<statement>')
    .option('--json', 'print the rows as JSON')
    .action((statement: string, options: { json?: boolean }) =>
      withDb(
        async (db) => {
          const { rows, rowCount } = await db.query(statement);
          if (options.json) console.log(JSON.stringify(rows, null, 2));
          else if (rows.length > 0) console.table(rows);
          else console.log(`${rowCount} row(s)`);
        },
        { migrate: false },
      ),
    );
}

/** sql/NNNN_<snake_name>.sql, numbered after the last one, with a header to fill in. */
export async function newMigration(name: string, dir: string): Promise<string> {
  const snake = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  if (!/^[a-z][a-z0-9_]{1,60}$/.test(snake))
    throw new UsageError(`Not a usable migration name: ${JSON.stringify(name)}`);
  const numbers = (await readdir(dir))
    .map((file) => /^(\d{4})_/.exec(file)?.[1])
    .filter(Boolean)
    .map(Number);
  const next = String(Math.max(0, ...numbers) + 1).padStart(4, '0');
  const file = path.join(dir, `${next}_${snake}.sql`);
  await writeFile(file, `-- ${name.trim()}: what this migration changes, and why.\n\n`, { flag: 'wx' });
  return file;
}
