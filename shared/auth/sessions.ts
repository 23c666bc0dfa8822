import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/port.ts';

/**
 * Server-side sessions for pages (table `auth.sessions`). The cookie carries a random 32-byte
 * token; only its SHA-256 is stored, so a leaked table (a backup, a log of rows) cannot be replayed
 * as cookies. A token of 256 random bits needs no salt or slow hash: it cannot be guessed.
 * Each session has its own CSRF token for the forms it renders.
 */
export interface Session {
  /** Row id, safe to log (unlike the token). */
  id: string;
  userId: string;
  /** The user's auth version when the session began: it ends when the user's moves on. */
  authVersion: number;
  csrfToken: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** When it ends if unused: the earlier of the idle and the absolute deadline. */
  expiresAt: Date;
}

export interface SessionOptions {
  /** Seconds without a request after which the session ends. */
  idleSeconds: number;
  /** Seconds after creation after which the session ends, however active. */
  absoluteSeconds: number;
  /** Clock for tests; default the system clock. */
  now?: () => Date;
}

export interface NewSession {
  /** The cookie value (base64url); shown once, never stored. */
  token: string;
  session: Session;
}

/**
 * lastSeenAt is written at most this often, so an active session does not cost a write per request.
 * The price: an idle timeout can end a session up to this much early.
 */
export const TOUCH_INTERVAL_MS = 60_000;

const TOKEN_BYTES = 32;
/** base64url of 32 bytes, unpadded. Anything else is not one of our tokens and is not looked up. */
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

interface SessionRow {
  id: string;
  user_id: string;
  auth_version: number;
  csrf_token: string;
  created_at: Date | string;
  last_seen_at: Date | string;
  expires_at: Date | string;
}

const COLUMNS = 'id, user_id, auth_version, csrf_token, created_at, last_seen_at, expires_at';

/**
 * @example
 *   const sessions = createSessions(db, { idleSeconds: 1800, absoluteSeconds: 43200 });
 *   const { token } = await sessions.rotate(cookieToken, user.id); // at login: a new id, the old one ends
 *   const session = await sessions.get(token); // undefined once unknown, idle or too old
 *   await sessions.destroy(token); // at logout
 */
export function createSessions(db: Queryable, options: SessionOptions) {
  const { idleSeconds, absoluteSeconds } = options;
  const clock = options.now ?? (() => new Date());

  const toSession = (row: SessionRow): Session => {
    const lastSeenAt = new Date(row.last_seen_at);
    const idleDeadline = lastSeenAt.getTime() + idleSeconds * 1000;
    const absoluteDeadline = new Date(row.expires_at).getTime();
    return {
      id: row.id,
      userId: row.user_id,
      authVersion: row.auth_version,
      csrfToken: row.csrf_token,
      createdAt: new Date(row.created_at),
      lastSeenAt,
      expiresAt: new Date(Math.min(idleDeadline, absoluteDeadline)),
    };
  };

  /**
   * Insert a session at the user's current auth version; `endedTokenHash` (if any) is deleted in
   * the same statement.
   */
  const insert = async (userId: string, endedTokenHash: string | null): Promise<NewSession> => {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const now = clock();
    const { rows } = await db.query<SessionRow>(
      `with ended as (delete from auth.sessions where token_hash = $1)
       insert into auth.sessions (token_hash, user_id, auth_version, csrf_token, created_at, last_seen_at, expires_at)
       select $2, u.id, u.auth_version, $4, $5::timestamptz, $5::timestamptz, $6::timestamptz
       from auth.users u where u.id = $3
       returning ${COLUMNS}`,
      [
        endedTokenHash,
        hashToken(token),
        userId,
        randomBytes(TOKEN_BYTES).toString('base64url'),
        now.toISOString(),
        new Date(now.getTime() + absoluteSeconds * 1000).toISOString(),
      ],
    );
    if (!rows[0]) throw new Error(`no user ${userId} to start a session for`);
    return { token, session: toSession(rows[0]) };
  };

  return {
    /** Start a session for a user. */
    create(userId: string): Promise<NewSession> {
      return insert(userId, null);
    },

    /**
     * The live session for a cookie token, or undefined when the token is malformed, unknown, idle
     * for longer than idleSeconds or older than absoluteSeconds (an expired row is deleted).
     */
    async get(token: string): Promise<Session | undefined> {
      if (!TOKEN_FORMAT.test(token)) return undefined;
      const { rows } = await db.query<SessionRow>(
        `select ${COLUMNS} from auth.sessions where token_hash = $1`,
        [hashToken(token)],
      );
      if (!rows[0]) return undefined;
      const session = toSession(rows[0]);
      const now = clock();
      if (now.getTime() >= session.expiresAt.getTime()) {
        await db.query('delete from auth.sessions where id = $1', [session.id]);
        return undefined;
      }
      if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
        await db.query('update auth.sessions set last_seen_at = $1::timestamptz where id = $2', [
          now.toISOString(),
          session.id,
        ]);
        return toSession({ ...rows[0], last_seen_at: now });
      }
      return session;
    },

    /**
     * A new session (new token, new CSRF token) replacing `token`, which stops working: call it at
     * login and at any privilege change, so a token planted before login (session fixation) is
     * worthless after it.
     */
    rotate(token: string | undefined, userId: string): Promise<NewSession> {
      const ended = token !== undefined && TOKEN_FORMAT.test(token) ? hashToken(token) : null;
      return insert(userId, ended);
    },

    /** End a session (logout). Unknown tokens are ignored. */
    async destroy(token: string): Promise<void> {
      if (!TOKEN_FORMAT.test(token)) return;
      await db.query('delete from auth.sessions where token_hash = $1', [hashToken(token)]);
    },

    /** End every session of a user (password change, "log out everywhere"); returns how many. */
    async destroyForUser(userId: string): Promise<number> {
      const { rowCount } = await db.query('delete from auth.sessions where user_id = $1', [userId]);
      return rowCount;
    },

    /** Delete sessions past their idle or absolute deadline; returns how many (for the prune task). */
    async prune(): Promise<number> {
      const now = clock();
      const { rowCount } = await db.query(
        'delete from auth.sessions where expires_at <= $1::timestamptz or last_seen_at <= $2::timestamptz',
        [now.toISOString(), new Date(now.getTime() - idleSeconds * 1000).toISOString()],
      );
      return rowCount;
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
