/**
 * `npm run users -- <command>`: account administration from a shell, on the configured database.
 *
 *   role <email> <user|admin>     promote or demote; the account's sessions and tokens end
 *   sign-out-everywhere <email>   end every session and token of the account
 *
 * Exit code 2 on bad arguments or an unknown account, 1 on other failures.
 */
import { parseArgs } from 'node:util';
import { ROLES, createUsers, type Role } from '../shared/auth/users.ts';
import { ConfigError, loadConfig, loadDotEnv } from '../shared/config.ts';
import { createDb } from '../shared/db/index.ts';
import type { Db } from '../shared/db/port.ts';

const USAGE = `Usage: npm run users -- role <email> <${ROLES.join('|')}>
       npm run users -- sign-out-everywhere <email>`;

class UsageError extends Error {}

loadDotEnv();
let db: Db | undefined;
try {
  const { positionals } = parseArgs({ allowPositionals: true });
  const [command, email, role] = positionals;
  if (!email || (command === 'role' && !ROLES.includes(role as Role))) throw new UsageError(USAGE);
  if (command !== 'role' && command !== 'sign-out-everywhere') throw new UsageError(USAGE);
  db = await createDb(loadConfig());
  const users = createUsers(db);
  const account = await users.byEmail(email);
  if (!account) throw new UsageError(`No account with the email ${email}.`);
  const changed =
    command === 'role'
      ? await users.setRole(account.id, role as Role)
      : await users.signOutEverywhere(account.id);
  console.log(
    `${changed!.email}: role ${changed!.role}; every earlier session and token has ended (auth version ${changed!.authVersion}).`,
  );
} catch (err) {
  if (err instanceof UsageError || err instanceof ConfigError) {
    console.error(err.message);
    process.exitCode = 2;
  } else {
    console.error('Failed:', err);
    process.exitCode = 1;
  }
} finally {
  await db?.close();
}
