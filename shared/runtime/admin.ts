import { randomBytes } from 'node:crypto';
import type { EnsureAdminOutcome, Users } from '../auth/users.ts';
import type { Config } from '../config.ts';

/** The admin of an embedded start without ADMIN_EMAIL. */
export const DEFAULT_ADMIN_EMAIL = 'admin@example.com';

export interface AdminBootstrap {
  email: string;
  outcome: EnsureAdminOutcome;
  /** Set only when this run made up the password and created (or promoted) the account: print it once. */
  generatedPassword?: string;
}

/**
 * The first admin, at start and in `npm run migrate`: ADMIN_EMAIL with ADMIN_PASSWORD; ADMIN_EMAIL
 * alone, or nothing on the embedded defaults, gets a generated password, which the caller prints
 * once. An existing admin keeps its password unless ADMIN_PASSWORD says another (then it is set:
 * outcome 'password-updated'). Without ADMIN_EMAIL on a shared database nothing happens: whoever
 * deploys decides who the admin is.
 *
 * @example
 *   const admin = await bootstrapAdmin(platform.auth.users, config);
 *   if (admin?.generatedPassword) console.log(`admin ${admin.email} / ${admin.generatedPassword}`);
 */
export async function bootstrapAdmin(
  users: Pick<Users, 'ensureAdmin'>,
  config: Pick<Config, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD' | 'embeddedDb'>,
): Promise<AdminBootstrap | undefined> {
  const email = config.ADMIN_EMAIL ?? (config.embeddedDb ? DEFAULT_ADMIN_EMAIL : undefined);
  if (!email) return undefined;
  const generated = config.ADMIN_PASSWORD ? undefined : randomBytes(12).toString('base64url');
  const { user, outcome } = await users.ensureAdmin({
    email,
    password: config.ADMIN_PASSWORD ?? generated!,
    passwordIsConfigured: config.ADMIN_PASSWORD !== undefined,
  });
  return {
    email: user.email,
    outcome,
    ...(generated && outcome !== 'unchanged' ? { generatedPassword: generated } : {}),
  };
}

/** The start banner's line about the admin. */
export function describeAdmin(admin: AdminBootstrap | undefined): string | undefined {
  if (!admin) return undefined;
  if (admin.generatedPassword) {
    return `${admin.email}  password ${admin.generatedPassword}  (shown this once; sign in at /auth/login)`;
  }
  if (admin.outcome === 'password-updated') return `${admin.email} (password set from ADMIN_PASSWORD)`;
  return `${admin.email}${admin.outcome === 'unchanged' ? '' : ` (${admin.outcome})`}`;
}
