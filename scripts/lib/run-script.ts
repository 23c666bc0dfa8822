import { ConfigError } from '../../shared/config.ts';
import { DbError } from '../../shared/db/port.ts';

/** A mistake in how a command was called: its message is the help. */
export class UsageError extends Error {}

/**
 * Run a command-line entry point. What the person at the keyboard can fix is one line: a usage or
 * configuration mistake (exit code 2), a database that is unreachable or in use by a running
 * runner (exit code 1). Anything else is a bug: its stack, exit code 1.
 *
 * @example
 *   await runScript(async () => {
 *     const db = await createDb(loadConfig());
 *     ...
 *   });
 */
export async function runScript(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = 2;
    } else if (err instanceof DbError) {
      console.error(err.message);
      process.exitCode = 1;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  }
}
