import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { Queryable } from '../db/port.ts';
import { TooManyRequestsError } from '../errors.ts';
import { normalizeEmail } from './users.ts';

/**
 * Login throttling against password guessing (table `auth.login_failures`): each failed login is
 * recorded under several keys (the username, the client IP); once a key has `maxFailures` failures
 * within the last `windowSeconds`, logins under it are refused until the oldest of them ages out.
 *
 * A sliding log rather than a counter with a fixed window, so no burst of 2 × maxFailures fits
 * around a window boundary. Refused attempts are not recorded, so a key holds at most about
 * `maxFailures` rows however hard it is hammered.
 */
export interface ThrottleOptions {
  maxFailures: number;
  windowSeconds: number;
  /** Clock for tests; default the system clock. */
  now?: () => Date;
}

/** Keys longer than this are stored as their SHA-256: the email at login is whatever the client sent. */
const MAX_KEY_LENGTH = 300;

/**
 * @example
 *   const throttle = createLoginThrottle(db, { maxFailures: 5, windowSeconds: 900 });
 *   const keys = loginThrottleKeys(email, clientIp);
 *   await throttle.check(keys); // TooManyRequestsError once a key is over the limit
 *   const user = await users.authenticate(email, password);
 *   await (user ? throttle.reset([keys[0]!]) : throttle.fail(keys));
 */
export function createLoginThrottle(db: Queryable, options: ThrottleOptions) {
  const { maxFailures, windowSeconds } = options;
  const clock = options.now ?? (() => new Date());
  const windowStart = (now: Date) => new Date(now.getTime() - windowSeconds * 1000).toISOString();

  /**
   * Throw TooManyRequestsError (with the seconds until the first key frees up) when a key has
   * `limit` failures or more in the window.
   */
  async function refuseOver(keys: string[], limit: number): Promise<void> {
    if (keys.length === 0) return;
    const now = clock();
    const { rows } = await db.query<{ key: string; failed_at: Date | string }>(
      `select key, failed_at from auth.login_failures
         where key = any($1::text[]) and failed_at > $2::timestamptz
         order by key, failed_at`,
      [keys.map(storedKey), windowStart(now)],
    );
    const failuresByKey = Map.groupBy(rows, (row) => row.key);
    let retryAt = 0;
    for (const failures of failuresByKey.values()) {
      if (failures.length < limit) continue;
      // Allowed again once all but limit - 1 failures have left the window.
      const freeingFailure = failures[failures.length - limit]!;
      retryAt = Math.max(retryAt, new Date(freeingFailure.failed_at).getTime() + windowSeconds * 1000);
    }
    if (retryAt > 0) {
      throw new TooManyRequestsError('too many failed logins; try again later', {
        retryAfterSeconds: (retryAt - now.getTime()) / 1000,
      });
    }
  }

  return {
    /** Throw TooManyRequestsError (with the seconds until the first key frees up) when any key is over. */
    check: (keys: string[]): Promise<void> => refuseOver(keys, maxFailures),

    /**
     * Record an attempt under each key BEFORE its password is checked, then refuse it when a key
     * is over the limit. Recording first closes the race in which concurrent guesses all pass a
     * check before any of them is recorded: each sees the others' rows. A refused attempt removes
     * its rows (a refusal is not a failure); a failed one keeps them as its failure records; a
     * successful one calls `succeeded()`, which removes them and resets the first key (the username).
     */
    async attempt(keys: string[]): Promise<{ succeeded(): Promise<void> }> {
      const now = clock();
      const { rows } = await db.query<{ id: string }>(
        `with expired as (
           delete from auth.login_failures where key = any($1::text[]) and failed_at <= $3::timestamptz
         )
         insert into auth.login_failures (key, failed_at)
         select key, $2::timestamptz from unnest($1::text[]) as k(key)
         returning id::text`,
        [keys.map(storedKey), now.toISOString(), windowStart(now)],
      );
      const ids = rows.map((row) => row.id);
      const forget = () => db.query('delete from auth.login_failures where id = any($1::bigint[])', [ids]);
      try {
        // This attempt's own row is counted: more than maxFailures means over.
        await refuseOver(keys, maxFailures + 1);
      } catch (err) {
        await forget();
        throw err;
      }
      return {
        succeeded: async () => {
          await forget();
          await db.query('delete from auth.login_failures where key = $1', [storedKey(keys[0]!)]);
        },
      };
    },

    /** Record one failure under each key (and forget those keys' failures that left the window). */
    async fail(keys: string[]): Promise<void> {
      if (keys.length === 0) return;
      const now = clock();
      const stored = keys.map(storedKey);
      await db.query(
        `with expired as (
           delete from auth.login_failures where key = any($1::text[]) and failed_at <= $3::timestamptz
         )
         insert into auth.login_failures (key, failed_at)
         select key, $2::timestamptz from unnest($1::text[]) as k(key)`,
        [stored, now.toISOString(), windowStart(now)],
      );
    },

    /** Forget the failures of these keys (a successful login resets its username). */
    async reset(keys: string[]): Promise<void> {
      if (keys.length === 0) return;
      await db.query('delete from auth.login_failures where key = any($1::text[])', [keys.map(storedKey)]);
    },

    /** Delete failures that left the window, for keys never tried again; returns how many. */
    async prune(): Promise<number> {
      const { rowCount } = await db.query(
        'delete from auth.login_failures where failed_at <= $1::timestamptz',
        [windowStart(clock())],
      );
      return rowCount;
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

/**
 * The throttle keys of a login attempt: the normalised username first, then the client IP when
 * known. An IPv6 client counts per /64, the block one customer usually gets; an IPv4-mapped IPv6
 * address counts as its IPv4 address.
 *
 * @example
 *   loginThrottleKeys(' Ann@Example.com', '2001:db8::1'); // ['user:ann@example.com', 'ip:2001:db8:0:0::/64']
 */
export function loginThrottleKeys(email: string, clientIp?: string): string[] {
  const keys = [`user:${normalizeEmail(email)}`];
  const ip = clientIp === undefined ? undefined : ipKey(clientIp.trim());
  if (ip) keys.push(`ip:${ip}`);
  return keys;
}

function ipKey(ip: string): string | undefined {
  if (isIPv4(ip)) return ip;
  const address = ip.split('%')[0]!; // drop a zone id (fe80::1%eth0)
  if (!isIPv6(address)) return ip === '' ? undefined : ip;
  const hextets = expandIPv6(address.toLowerCase());
  const mappedV4 = hextets.slice(0, 5).every((h) => h === 0) && hextets[5] === 0xffff;
  if (mappedV4) return [hextets[6]! >> 8, hextets[6]! & 255, hextets[7]! >> 8, hextets[7]! & 255].join('.');
  return `${hextets
    .slice(0, 4)
    .map((h) => h.toString(16))
    .join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (handles `::` and a dotted IPv4 tail). */
function expandIPv6(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : Array<string>(8 - headParts.length - tailParts.length).fill('0');
  return [...headParts, ...zeros, ...tailParts].map((h) => parseInt(h, 16));
}

function storedKey(key: string): string {
  return key.length > MAX_KEY_LENGTH ? `sha256:${createHash('sha256').update(key).digest('hex')}` : key;
}
