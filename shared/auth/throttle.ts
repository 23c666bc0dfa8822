import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { Queryable } from '../db/port.ts';
import { TooManyRequestsError } from '../errors.ts';

/**
 * Throttling on a sliding log (table `auth.throttle_log`, one row per counted attempt and key),
 * the machinery behind login and sign-up limits. A rule names a key and how many attempts it may
 * have within the window, and what happens beyond:
 * - `block`: refused until the oldest of them leaves the window;
 * - `space`: beyond `max`, at most one attempt per `spacingSeconds`: slowed down, never shut out.
 *
 * An attempt is recorded under its keys BEFORE it is judged, so concurrent attempts each see the
 * others' rows and cannot all slip under a limit together. A refused attempt removes its rows (a
 * refusal costs the attacker nothing but is not counted either, so a key holds about `max` rows
 * however hard it is hammered); a failed one keeps them; a successful one removes them and may
 * reset keys. A sliding log rather than a counter with a fixed window, so no burst of 2 × max fits
 * around a window boundary.
 */
export interface ThrottleRule {
  key: string;
  max: number;
  /** Attempts older than this many seconds no longer count. */
  windowSeconds: number;
  /** Beyond `max`: one attempt per this many seconds instead of a block. */
  spacingSeconds?: number;
}

export interface ThrottleOptions {
  /** Clock for tests; default the system clock. */
  now?: () => Date;
}

export interface Attempt {
  /** Forget this attempt (it was not a failure), and clear the failures of `resetKeys`. */
  succeeded(resetKeys?: string[]): Promise<void>;
}

/** Keys longer than this are stored as their SHA-256: the email at login is whatever the client sent. */
const MAX_KEY_LENGTH = 300;

/**
 * @example
 *   const throttle = createThrottle(db);
 *   const attempt = await throttle.attempt([{ key: `login:${email}|${ip}`, max: 5, windowSeconds: 900 }]); // TooManyRequestsError when over
 *   if (await passwordMatches()) await attempt.succeeded([`login:${email}|${ip}`]);
 */
export function createThrottle(db: Queryable, options: ThrottleOptions = {}) {
  const clock = options.now ?? (() => new Date());
  const windowStart = (now: Date, seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString();

  /** Seconds until `rule` lets an attempt through, given the others' attempt times; 0 when now. */
  function waitFor(rule: ThrottleRule, others: number[], now: number): number {
    if (others.length < rule.max) return 0;
    if (rule.spacingSeconds !== undefined) {
      const latest = Math.max(...others);
      return Math.max(0, latest + rule.spacingSeconds * 1000 - now) / 1000;
    }
    // Allowed again once all but max - 1 of them have left the window.
    const freeing = others[others.length - rule.max]!;
    return Math.max(0, freeing + rule.windowSeconds * 1000 - now) / 1000;
  }

  return {
    /**
     * Record an attempt under every rule's key, then refuse it (TooManyRequestsError with the
     * seconds to wait) when any rule is over. Call `succeeded()` on the result for an attempt that
     * must not count; an attempt left alone counts as a failure.
     */
    async attempt(rules: ThrottleRule[]): Promise<Attempt> {
      const now = clock();
      const keys = rules.map((rule) => storedKey(rule.key));
      const starts = rules.map((rule) => windowStart(now, rule.windowSeconds));
      // Each key's attempts that left its window go, this attempt's row comes.
      const { rows: own } = await db.query<{ id: string }>(
        `with expired as (
           delete from auth.throttle_log t using unnest($1::text[], $3::timestamptz[]) as w(key, start)
           where t.key = w.key and t.at <= w.start
         )
         insert into auth.throttle_log (key, at)
         select key, $2::timestamptz from unnest($1::text[]) as k(key)
         returning id::text`,
        [keys, now.toISOString(), starts],
      );
      const ids = own.map((row) => row.id);
      const forget = () => db.query('delete from auth.throttle_log where id = any($1::bigint[])', [ids]);
      const { rows } = await db.query<{ key: string; at: Date | string }>(
        `select t.key, t.at from auth.throttle_log t
           join unnest($1::text[], $2::timestamptz[]) as w(key, start) on t.key = w.key and t.at > w.start
           where t.id <> all($3::bigint[])
           order by t.key, t.at`,
        [keys, starts, ids],
      );
      const byKey = Map.groupBy(rows, (row) => row.key);
      const wait = Math.max(
        0,
        ...rules.map((rule, i) =>
          waitFor(
            rule,
            (byKey.get(keys[i]!) ?? []).map((row) => new Date(row.at).getTime()),
            now.getTime(),
          ),
        ),
      );
      if (wait > 0) {
        await forget();
        throw new TooManyRequestsError('too many attempts; try again later', { retryAfterSeconds: wait });
      }
      return {
        async succeeded(resetKeys = []) {
          await forget();
          if (resetKeys.length > 0) {
            await db.query('delete from auth.throttle_log where key = any($1::text[])', [
              resetKeys.map(storedKey),
            ]);
          }
        },
      };
    },

    /** Delete attempts older than `seconds` (the longest window in use), for keys never tried again. */
    async prune(seconds: number): Promise<number> {
      const { rowCount } = await db.query('delete from auth.throttle_log where at <= $1::timestamptz', [
        windowStart(clock(), seconds),
      ]);
      return rowCount;
    },
  };
}

export type Throttle = ReturnType<typeof createThrottle>;

/**
 * A client's key: its address, an IPv6 client per /64 (the block one customer usually gets), an
 * IPv4-mapped IPv6 address as its IPv4 address; undefined when unknown.
 *
 * @example
 *   clientKey('2001:db8::1'); // '2001:db8:0:0::/64'
 */
export function clientKey(clientIp: string | undefined): string | undefined {
  return clientIp === undefined ? undefined : ipKey(clientIp.trim());
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
