import * as z from 'zod';
import type { Queryable } from '../db/port.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { createBatcher } from '../runtime/batcher.ts';
import {
  hashPassword,
  PASSWORD_PARAMS,
  passwordProblem,
  unmatchableHash,
  verifyPassword,
  type ScryptParams,
} from './passwords.ts';

/** Accounts (table `auth.users`): registration, password login with hash upgrades, the first admin. */
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  email: string;
  role: Role;
  /** Raised by every change that must end earlier sessions and tokens (role, password, sign-out everywhere). */
  authVersion: number;
  createdAt: string;
}

export interface UsersOptions {
  /** Parameters for new hashes and the bar below which a stored hash is upgraded. Tests pass small ones. */
  passwordParams?: ScryptParams;
}

/**
 * What `ensureAdmin` did: made a new account, promoted (and re-keyed) an existing one, set a new
 * password on an existing admin (the configured one had changed), or nothing.
 */
export type EnsureAdminOutcome = 'created' | 'promoted' | 'password-updated' | 'unchanged';

interface UserRow {
  id: string;
  email: string;
  role: Role;
  auth_version: number;
  created_at: Date | string;
  password_hash: string;
}

const MAX_EMAIL_LENGTH = 254;
const emailSchema = z.email().max(MAX_EMAIL_LENGTH);
const uuidSchema = z.uuid();
const USER_COLUMNS = 'id, email, role, auth_version, created_at, password_hash';

/**
 * The canonical form of an email address: trimmed and lower-cased. Lookups, uniqueness and login
 * throttling all use it, so `Ann@Example.com ` and `ann@example.com` are one account.
 *
 * @example
 *   normalizeEmail('  Ann@Example.COM '); // 'ann@example.com'
 */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * User accounts on the DB port.
 *
 * @example
 *   const users = createUsers(db);
 *   const ann = await users.register({ email: 'ann@example.com', password: 'a long passphrase' });
 *   await users.authenticate('ANN@example.com', 'a long passphrase'); // ann
 *   await users.authenticate('ann@example.com', 'wrong'); // undefined
 */
export function createUsers(db: Queryable, options: UsersOptions = {}) {
  /**
   * Every authenticated request reads its user (request-auth). Lookups asked while earlier ones
   * are in flight share the next query (createBatcher), so a burst of requests costs a few
   * queries, not one each. Each lookup is still read after it was asked, never answered from
   * an earlier read: a revoked token or a changed role is seen as promptly as with a query each.
   */
  const lookUpById = createBatcher(async (ids: string[]) => {
    const { rows } = await db.query<UserRow>(
      `select ${USER_COLUMNS} from auth.users where id = any($1::uuid[])`,
      [[...new Set(ids)]],
    );
    const found = new Map(rows.map((row) => [row.id.toLowerCase(), toUser(row)]));
    return ids.map((id) => found.get(id));
  });
  const params = options.passwordParams ?? PASSWORD_PARAMS;
  // Unknown emails are verified against this, so they cost one scrypt like a wrong password does.
  const decoy = unmatchableHash(params);

  async function findByEmail(email: string): Promise<UserRow | undefined> {
    const { rows } = await db.query<UserRow>(
      `select ${USER_COLUMNS} from auth.users where lower(email) = $1`,
      [email],
    );
    return rows[0];
  }

  async function insert(email: string, passwordHash: string, role: Role): Promise<User | undefined> {
    // `on conflict do nothing`: a concurrent registration of the same email loses cleanly.
    const { rows } = await db.query<UserRow>(
      `insert into auth.users (email, password_hash, role) values ($1, $2, $3)
       on conflict do nothing
       returning ${USER_COLUMNS}`,
      [email, passwordHash, role],
    );
    return rows[0] && toUser(rows[0]);
  }

  return {
    /**
     * Create an account. Throws ValidationError for a malformed email or a password outside
     * 8..128 characters, ConflictError when the email is already registered.
     */
    async register(input: { email: string; password: string; role?: Role }): Promise<User> {
      const email = validEmail(input.email);
      validPassword(input.password);
      // A taken email is answered before a hash is spent: the 409 says it is taken anyway.
      if (await findByEmail(email)) throw new ConflictError('email is already registered');
      const passwordHash = await hashPassword(input.password, params, 'signup');
      const user = await insert(email, passwordHash, input.role ?? 'user');
      if (!user) throw new ConflictError('email is already registered');
      return user;
    },

    /**
     * The user whose email and password match, or undefined; unknown emails and wrong passwords
     * are indistinguishable (same result, same scrypt cost). A hash made with weaker parameters
     * than the current ones is replaced by a fresh one.
     */
    async authenticate(email: string, password: string): Promise<User | undefined> {
      const row = await findByEmail(normalizeEmail(email));
      const { ok, needsRehash } = await verifyPassword(password, row?.password_hash ?? decoy, params);
      if (!row || !ok) return undefined;
      if (needsRehash) {
        // Compare-and-set: a password change that raced this login wins.
        await db.query(
          `update auth.users set password_hash = $1, updated_at = now() where id = $2 and password_hash = $3`,
          [await hashPassword(password, params), row.id, row.password_hash],
        );
      }
      return toUser(row);
    },

    async byEmail(email: string): Promise<User | undefined> {
      const row = await findByEmail(normalizeEmail(email));
      return row && toUser(row);
    },

    async byId(id: string): Promise<User | undefined> {
      // Not a uuid (e.g. a forged token subject) → no such user, rather than an SQL cast error.
      if (!uuidSchema.safeParse(id).success) return undefined;
      return lookUpById(id.toLowerCase());
    },

    /**
     * Make sure `email` is an admin; idempotent. A new account gets `password`. An existing
     * non-admin is promoted AND gets `password`, and its sessions are ended: otherwise whoever
     * registered the admin's email first would become admin with their own password. An existing
     * admin keeps its password, unless `passwordIsConfigured` (ADMIN_PASSWORD) and it differs: the
     * configured one is then set, so changing ADMIN_PASSWORD and restarting is a way back in.
     *
     * @example
     *   const { user, outcome } = await users.ensureAdmin({ email: config.ADMIN_EMAIL, password, passwordIsConfigured: true });
     *   if (outcome === 'created') log.info({ email: user.email }, 'admin account created');
     */
    async ensureAdmin(input: {
      email: string;
      password: string;
      passwordIsConfigured?: boolean;
    }): Promise<{ user: User; outcome: EnsureAdminOutcome }> {
      const email = validEmail(input.email);
      validPassword(input.password);
      const existing = await findByEmail(email);
      if (existing?.role === 'admin') {
        const current = input.passwordIsConfigured
          ? (await verifyPassword(input.password, existing.password_hash, params)).ok
          : true;
        if (current) return { user: toUser(existing), outcome: 'unchanged' };
        const updated = await withNewVersion(existing.id, 'password_hash = $2', [
          await hashPassword(input.password, params),
        ]);
        return { user: updated ?? toUser(existing), outcome: 'password-updated' };
      }
      const passwordHash = await hashPassword(input.password, params);
      if (!existing) {
        const created = await insert(email, passwordHash, 'admin');
        if (created) return { user: created, outcome: 'created' };
        // Registered between our read and insert: promote that account below.
      }
      const { rows } = await db.query<UserRow>(
        `with promoted as (
           update auth.users
             set role = 'admin', password_hash = $2, auth_version = auth_version + 1, updated_at = now()
           where lower(email) = $1 and role <> 'admin'
           returning ${USER_COLUMNS}
         ), ended as (
           delete from auth.sessions where user_id in (select id from promoted)
         )
         select * from promoted`,
        [email, passwordHash],
      );
      if (rows[0]) return { user: toUser(rows[0]), outcome: 'promoted' };
      // Made admin by a concurrent call between our read and update.
      const current = await findByEmail(email);
      if (!current) throw new ConflictError(`the account ${email} changed while it was being made admin`);
      return { user: toUser(current), outcome: 'unchanged' };
    },

    /** Make `id` an admin or a user. Its sessions and tokens end (the role they carry is stale). */
    setRole(id: string, role: Role): Promise<User | undefined> {
      return withNewVersion(id, 'role = $2', [role]);
    },

    /**
     * Set a new password (checked against the policy). Every session and token of the account ends;
     * the caller signs the browser that asked back in.
     */
    async changePassword(id: string, password: string): Promise<User | undefined> {
      validPassword(password);
      return withNewVersion(id, 'password_hash = $2', [await hashPassword(password, params)]);
    },

    /** "Sign out everywhere": every session and token of the account ends. */
    signOutEverywhere(id: string): Promise<User | undefined> {
      return withNewVersion(id, undefined, []);
    },
  };

  /**
   * Change a user and raise its auth version in one statement, deleting its sessions: tokens
   * carrying the old version are refused from then on (request-auth.ts compares them).
   */
  async function withNewVersion(
    id: string,
    change: 'role = $2' | 'password_hash = $2' | undefined,
    values: unknown[],
  ): Promise<User | undefined> {
    if (!uuidSchema.safeParse(id).success) return undefined;
    const set = [change, 'auth_version = auth_version + 1', 'updated_at = now()'].filter(Boolean).join(', ');
    const { rows } = await db.query<UserRow>(
      `with changed as (
         update auth.users set ${set}
         where id = $1
         returning ${USER_COLUMNS}
       ), ended as (
         delete from auth.sessions where user_id in (select id from changed)
       )
       select * from changed`,
      [id, ...values],
    );
    return rows[0] && toUser(rows[0]);
  }
}

export type Users = ReturnType<typeof createUsers>;

function validEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (!emailSchema.safeParse(email).success) {
    const message = 'email is not a valid address';
    throw new ValidationError(message, { details: [{ path: 'email', message }] });
  }
  return email;
}

function validPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new ValidationError(problem, { details: [{ path: 'password', message: problem }] });
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    authVersion: row.auth_version,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
