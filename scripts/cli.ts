/**
 * `npm run cli -- <command>`: the project's management commands, on the configured database and
 * broker (`.env` is read). `npm run cli -- --help` lists them; `npm run migrate` and `npm run seed`
 * are two of them. Exit code 2 for a usage or configuration mistake, 1 for a failure.
 *
 *   migrate                       apply pending migrations (and make sure the first admin exists)
 *   migration:new <name>          create sql/NNNN_<name>.sql
 *   seed                          every app's sample data (idempotent)
 *   db:shell                      psql on DATABASE_URL
 *   sql "<statement>" [--json]    run one statement, print the rows (the embedded database too)
 *   trigger <kind> [--payload]    queue a job (on the in-process queue: run it here, print the result)
 *   dead-letters list|replay      the dead-letter queues
 *   schedules list|run <id>       the cron schedules, and firing one now
 *   verify                        reach every configured dependency
 *   users ...                     account administration (npm run users -- --help)
 */
import { Command } from 'commander';
import { loadDotEnv } from '../shared/config.ts';
import { addDbCommands } from './cli/db-commands.ts';
import { addQueueCommands } from './cli/queue-commands.ts';
import { addVerifyCommand } from './cli/verify.ts';
import { runScript } from './lib/run-script.ts';

loadDotEnv();
const program = new Command('npm run cli --')
  .description('fnstack management commands')
  .showHelpAfterError()
  .exitOverride();
program
  .command('migrate')
  .description('apply pending migrations and make sure the first admin exists')
  .action(async () => {
    await import('./migrate.ts');
  });
addDbCommands(program);
addQueueCommands(program);
addVerifyCommand(program);
program
  .command('users')
  .description('account administration: role, reset-password, sign-out-everywhere (see npm run users)')
  .allowUnknownOption()
  .argument('[args...]')
  .action(async () => {
    process.argv.splice(2, 1); // what users.ts parses: the arguments after `users`
    await import('./users.ts');
  });

await runScript(async () => {
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    // commander has printed its message (unknown command, missing argument) or the help.
    if ((err as { code?: string }).code?.startsWith('commander.')) {
      process.exitCode = (err as { exitCode?: number }).exitCode === 0 ? 0 : 2;
      return;
    }
    throw err;
  }
});
