/**
 * `npm run users -- <command>`: account administration from a shell, on the configured database
 * (stop a runner on the embedded database first: only one process can open it).
 *
 *   role <email> <user|admin>     promote or demote
 *   reset-password <email>        set a new, generated password and print it once
 *   sign-out-everywhere <email>   end every session and token of the account
 *
 * Each ends the account's earlier sessions and tokens. Exit code 2 on bad arguments or an unknown
 * account, 1 when the database cannot be used.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ROLES, createUsers, type Role, type User } from '../shared/auth/users.ts';
import { loadConfig, loadDotEnv } from '../shared/config.ts';
import { createDb } from '../shared/db/index.ts';
import { runScript, UsageError } from './lib/run-script.ts';

const USAGE = `Usage: npm run users -- role <email> <${ROLES.join('|')}>
       npm run users -- reset-password <email>
       npm run users -- sign-out-everywhere <email>`;

loadDotEnv();
await runScript(async () => {
  const { positionals } = parseArgs({ allowPositionals: true });
  const [command, email, role] = positionals;
  if (!email || !['role', 'reset-password', 'sign-out-everywhere'].includes(command ?? '')) {
    throw new UsageError(USAGE);
  }
  if (command === 'role' && !ROLES.includes(role as Role)) throw new UsageError(USAGE);
  const db = await createDb(loadConfig());
  try {
    const users = createUsers(db);
    const account = await users.byEmail(email);
    if (!account) throw new UsageError(`No account with the email ${email}.`);
    const done = (changed: User | undefined, what: string) =>
      console.log(
        `${changed!.email} (${changed!.role}): ${what}; every earlier session and token has ended.`,
      );
    if (command === 'role') {
      done(await users.setRole(account.id, role as Role), `role ${role}`);
    } else if (command === 'reset-password') {
      const password = randomBytes(12).toString('base64url');
      done(await users.changePassword(account.id, password), `new password ${password} (shown this once)`);
    } else {
      done(await users.signOutEverywhere(account.id), 'signed out everywhere');
    }
  } finally {
    await db.close();
  }
});
