import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogin, type Login } from '../../shared/auth/login.ts';
import { createLoginThrottle, type LoginThrottle } from '../../shared/auth/throttle.ts';
import { createUsers } from '../../shared/auth/users.ts';
import type { Db } from '../../shared/db/port.ts';
import { TooManyRequestsError, UnauthorizedError } from '../../shared/errors.ts';
import { createTestDb, dbBackends } from '../helpers/db.ts';

const MAX = 3;
const WINDOW_S = 900;
const SECOND = 1000;

describe.each(dbBackends)('login throttle on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  let nowMs: number;
  let throttle: LoginThrottle;
  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
    throttle = createLoginThrottle(db, {
      maxFailures: MAX,
      windowSeconds: WINDOW_S,
      now: () => new Date(nowMs),
    });
  });
  beforeEach(async () => {
    nowMs = Date.parse('2030-01-01T00:00:00Z');
    await db.query('delete from auth.login_failures');
  });
  afterAll(() => drop?.());

  const refusal = (keys: string[]) =>
    throttle.check(keys).then(
      () => undefined,
      (err: unknown) => err as TooManyRequestsError,
    );
  const failAt = async (atMs: number, keys: string[]) => {
    nowMs = atMs;
    await throttle.fail(keys);
  };
  const rowCount = async () =>
    (await db.query<{ n: number }>('select count(*)::int as n from auth.login_failures')).rows[0]!.n;

  it('allows up to maxFailures - 1 failures, then refuses until the oldest failure leaves the window', async () => {
    const start = nowMs;
    const keys = ['user:ann@example.com'];
    await failAt(start, keys);
    await failAt(start + 10 * SECOND, keys);
    expect(await refusal(keys)).toBeUndefined();
    await failAt(start + 20 * SECOND, keys);

    nowMs = start + 30 * SECOND;
    const error = await refusal(keys);
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: WINDOW_S - 30 });

    nowMs = start + WINDOW_S * SECOND - SECOND;
    expect((await refusal(keys))?.retryAfterSeconds).toBe(1);
    nowMs = start + WINDOW_S * SECOND;
    expect(await refusal(keys)).toBeUndefined();

    // Sliding: one more failure now makes three within the window again, until the second ages out.
    await failAt(nowMs, keys);
    expect((await refusal(keys))?.retryAfterSeconds).toBe(10);
  });

  it('counts each key on its own and refuses when any key of the attempt is over', async () => {
    const ip = 'ip:192.0.2.7';
    for (const user of ['user:a@example.com', 'user:b@example.com', 'user:c@example.com']) {
      await throttle.fail([user, ip]);
    }
    expect(await refusal(['user:a@example.com'])).toBeUndefined();
    // A fresh username from the same address: the address is over its limit.
    expect(await refusal(['user:d@example.com', ip])).toBeInstanceOf(TooManyRequestsError);
    expect(await refusal(['user:d@example.com', 'ip:192.0.2.8'])).toBeUndefined();
  });

  it('forgets the failures of reset keys only', async () => {
    const keys = ['user:ann@example.com', 'ip:192.0.2.7'];
    for (let i = 0; i < MAX; i++) await throttle.fail(keys);
    await throttle.reset(['user:ann@example.com']);
    expect(await refusal(['user:ann@example.com'])).toBeUndefined();
    expect(await refusal(['ip:192.0.2.7'])).toBeInstanceOf(TooManyRequestsError);
  });

  it('drops a key’s failures that left the window when it fails again, and prunes the rest', async () => {
    const start = nowMs;
    await failAt(start, ['user:a@example.com', 'user:b@example.com']);
    await failAt(start + SECOND, ['user:a@example.com']);
    expect(await rowCount()).toBe(3);

    await failAt(start + WINDOW_S * SECOND + 2 * SECOND, ['user:a@example.com']);
    expect(await rowCount()).toBe(2); // a: the new one only; b: its old one, untouched so far
    expect(await throttle.prune()).toBe(1);
    expect(await rowCount()).toBe(1);
  });

  it('stores very long keys as a hash and still counts them', async () => {
    const longKey = `user:${'a'.repeat(5000)}@example.com`;
    for (let i = 0; i < MAX; i++) await throttle.fail([longKey]);
    expect(await refusal([longKey])).toBeInstanceOf(TooManyRequestsError);
    const { rows } = await db.query<{ n: number }>(
      'select max(length(key))::int as n from auth.login_failures',
    );
    expect(rows[0]!.n).toBeLessThanOrEqual(300);
  });

  it('treats SQL in keys as plain text', async () => {
    const sneaky = "user:'); delete from auth.login_failures; --";
    await throttle.fail(['user:someone@example.com']);
    for (let i = 0; i < MAX; i++) await throttle.fail([sneaky]);
    await throttle.reset(["' or '1'='1"]);
    expect(await refusal([sneaky])).toBeInstanceOf(TooManyRequestsError);
    expect(await rowCount()).toBe(MAX + 1);
  });
});

describe.each(dbBackends)('login on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  let login: Login;
  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
    const users = createUsers(db, { passwordParams: { ln: 4, r: 8, p: 1, keyLength: 32, saltLength: 16 } });
    await users.register({ email: 'ann@example.com', password: 'ann password' });
    login = createLogin({
      users,
      throttle: createLoginThrottle(db, { maxFailures: MAX, windowSeconds: WINDOW_S }),
    });
  });
  afterAll(() => drop?.());

  const attempt = (email: string, password: string, clientIp = '192.0.2.7') =>
    login({ email, password, clientIp }).then(
      (user) => user,
      (err: unknown) => err,
    );

  it('returns the user for the right password, the same 401 for a wrong password and an unknown email', async () => {
    expect(await attempt('Ann@example.com', 'ann password')).toMatchObject({ email: 'ann@example.com' });
    const wrongPassword = await attempt('ann@example.com', 'wrong password', '192.0.2.1');
    const unknownEmail = await attempt('nobody@example.com', 'ann password', '192.0.2.2');
    for (const error of [wrongPassword, unknownEmail]) {
      expect(error).toBeInstanceOf(UnauthorizedError);
      expect(error).toMatchObject({ status: 401, message: 'invalid email or password' });
    }
  });

  it('refuses even the right password once the username is over its limit; success resets the username', async () => {
    await db.query('delete from auth.login_failures');
    for (let i = 0; i < MAX; i++) {
      expect(await attempt('ann@example.com', 'guess', `198.51.100.${i}`)).toBeInstanceOf(UnauthorizedError);
    }
    const refused = await attempt('ann@example.com', 'ann password', '203.0.113.9');
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBeGreaterThan(WINDOW_S - 60);

    // The failures age out (simulated by moving them back in time); the right password then resets them.
    await db.query(`update auth.login_failures set failed_at = failed_at - interval '1 hour'`);
    await db.query(`insert into auth.login_failures (key, failed_at) values ('user:ann@example.com', now())`);
    expect(await attempt('ann@example.com', 'ann password', '203.0.113.9')).toMatchObject({
      email: 'ann@example.com',
    });
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from auth.login_failures where key = 'user:ann@example.com'`,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('refuses every username from an address that failed too often, and a success there does not clear it', async () => {
    await db.query('delete from auth.login_failures');
    for (let i = 0; i < MAX - 1; i++) await attempt(`user${i}@example.com`, 'guess', '192.0.2.99');
    expect(await attempt('ann@example.com', 'ann password', '192.0.2.99')).toMatchObject({
      email: 'ann@example.com',
    });
    await attempt('someone@example.com', 'guess', '192.0.2.99');
    expect(await attempt('ann@example.com', 'ann password', '192.0.2.99')).toBeInstanceOf(
      TooManyRequestsError,
    );
    expect(await attempt('ann@example.com', 'ann password', '192.0.2.100')).toMatchObject({
      email: 'ann@example.com',
    });
  });
});
