import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogin, type Login } from '../../shared/auth/login.ts';
import { createSignup, type Signup } from '../../shared/auth/signup.ts';
import { createThrottle, type Throttle, type ThrottleRule } from '../../shared/auth/throttle.ts';
import { createUsers } from '../../shared/auth/users.ts';
import type { Db } from '../../shared/db/port.ts';
import { ConflictError, TooManyRequestsError, UnauthorizedError } from '../../shared/errors.ts';
import { FAST_PASSWORDS } from '../helpers/auth.ts';
import { createTestDb, dbBackends } from '../helpers/db.ts';

const MAX = 3;
const WINDOW_S = 900;
const SLOWDOWN_S = 10;
const SECOND = 1000;

describe.each(dbBackends)('throttle on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  let nowMs: number;
  let throttle: Throttle;
  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
    throttle = createThrottle(db, { now: () => new Date(nowMs) });
  });
  beforeEach(async () => {
    nowMs = Date.parse('2030-01-01T00:00:00Z');
    await db.query('delete from auth.throttle_log');
  });
  afterAll(() => drop?.());

  const block = (key: string): ThrottleRule => ({ key, max: MAX, windowSeconds: WINDOW_S });
  /** An attempt at `atMs` that fails (its records stay), or the refusal. */
  const failAt = async (atMs: number, rules: ThrottleRule[]) => {
    nowMs = atMs;
    return throttle.attempt(rules).then(
      () => undefined,
      (err: unknown) => err as TooManyRequestsError,
    );
  };
  const rowCount = async () =>
    (await db.query<{ n: number }>('select count(*)::int as n from auth.throttle_log')).rows[0]!.n;

  it('blocks a key at max attempts until the oldest leaves the window (a sliding log)', async () => {
    const start = nowMs;
    const rules = [block('login:ann@example.com|192.0.2.7')];
    expect(await failAt(start, rules)).toBeUndefined();
    expect(await failAt(start + 10 * SECOND, rules)).toBeUndefined();
    expect(await failAt(start + 20 * SECOND, rules)).toBeUndefined();

    const refused = await failAt(start + 30 * SECOND, rules);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect(refused).toMatchObject({ status: 429, retryAfterSeconds: WINDOW_S - 30 });
    expect(await rowCount()).toBe(MAX); // a refusal is not recorded

    expect(await failAt(start + WINDOW_S * SECOND + SECOND, rules)).toBeUndefined();
    // Sliding: three within the window again, until the second ages out.
    expect((await failAt(start + WINDOW_S * SECOND + 2 * SECOND, rules))?.retryAfterSeconds).toBe(8);
  });

  it('spaces a `space` rule beyond max: one attempt per spacing, never a block for the window', async () => {
    const rules: ThrottleRule[] = [
      { key: 'login-account:ann', max: MAX, windowSeconds: WINDOW_S, spacingSeconds: 10 },
    ];
    const start = nowMs;
    for (let i = 0; i < MAX; i++) expect(await failAt(start + i * SECOND, rules)).toBeUndefined();
    expect((await failAt(start + 5 * SECOND, rules))?.retryAfterSeconds).toBe(7);
    expect(await failAt(start + 12 * SECOND, rules)).toBeUndefined();
    expect((await failAt(start + 13 * SECOND, rules))?.retryAfterSeconds).toBe(9);
    expect(await failAt(start + 22 * SECOND, rules)).toBeUndefined();
  });

  it('lets no more than max of many concurrent attempts through (each sees the others)', async () => {
    const rules = [block('login:race@example.com|192.0.2.7')];
    const outcomes = await Promise.all(Array.from({ length: 15 }, () => failAt(nowMs, rules)));
    expect(outcomes.filter((outcome) => outcome === undefined).length).toBeLessThanOrEqual(MAX);
  });

  it('forgets a successful attempt and the keys it resets, and nothing else', async () => {
    await failAt(nowMs, [block('a'), block('b')]);
    await failAt(nowMs, [block('a'), block('b')]);
    const attempt = await throttle.attempt([block('a'), block('b')]);
    await attempt.succeeded(['a']);
    expect(await db.query('select key from auth.throttle_log order by key').then((r) => r.rows)).toEqual([
      { key: 'b' },
      { key: 'b' },
    ]);
  });

  it('drops a key’s attempts that left its window when it is tried again, and prunes the rest', async () => {
    const start = nowMs;
    await failAt(start, [block('a'), block('b')]);
    await failAt(start + SECOND, [block('a')]);
    expect(await rowCount()).toBe(3);

    await failAt(start + WINDOW_S * SECOND + 2 * SECOND, [block('a')]);
    expect(await rowCount()).toBe(2); // a: the new one only; b: its old one, untouched so far
    expect(await throttle.prune(WINDOW_S)).toBe(1);
    expect(await rowCount()).toBe(1);
  });

  it('stores very long keys as a hash and treats SQL in keys as plain text', async () => {
    const longKey = `login:${'a'.repeat(5000)}@example.com|192.0.2.7`;
    for (let i = 0; i < MAX; i++) await failAt(nowMs, [block(longKey)]);
    expect(await failAt(nowMs, [block(longKey)])).toBeInstanceOf(TooManyRequestsError);
    const { rows } = await db.query<{ n: number }>(
      'select max(length(key))::int as n from auth.throttle_log',
    );
    expect(rows[0]!.n).toBeLessThanOrEqual(300);

    const sneaky = "login:'); delete from auth.throttle_log; --";
    for (let i = 0; i < MAX; i++) await failAt(nowMs, [block(sneaky)]);
    expect(await failAt(nowMs, [block(sneaky)])).toBeInstanceOf(TooManyRequestsError);
    expect(await rowCount()).toBe(2 * MAX);
  });
});

describe.each(dbBackends)('login without lockouts on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  let nowMs: number;
  let login: Login;
  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
    const users = createUsers(db, { passwordParams: FAST_PASSWORDS });
    await users.register({ email: 'ann@example.com', password: 'ann password' });
    await users.register({ email: 'bob@example.com', password: 'bob password' });
    const throttle = createThrottle(db, { now: () => new Date(nowMs) });
    login = createLogin({
      users,
      throttle,
      maxFailures: MAX,
      windowSeconds: WINDOW_S,
      slowdownSeconds: SLOWDOWN_S,
    });
  });
  beforeEach(async () => {
    nowMs = Date.parse('2030-01-01T00:00:00Z');
    await db.query('delete from auth.throttle_log');
  });
  afterAll(() => drop?.());

  const attempt = (email: string, password: string, clientIp: string | undefined = '192.0.2.7') =>
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

  it('stops a brute force of one account from one client, for that account only', async () => {
    for (let i = 0; i < MAX; i++)
      expect(await attempt('ann@example.com', 'guess')).toBeInstanceOf(UnauthorizedError);
    const refused = await attempt('ann@example.com', 'ann password');
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBeGreaterThan(WINDOW_S - 60);
    // The same client may still sign in to another account, and the owner from elsewhere.
    expect(await attempt('bob@example.com', 'bob password')).toMatchObject({ email: 'bob@example.com' });
    expect(await attempt('ann@example.com', 'ann password', '198.51.100.1')).toMatchObject({
      email: 'ann@example.com',
    });
  });

  it('does not lock the owner out when others fail for the account from many addresses: a delay, not a block', async () => {
    // An attacker spread over addresses: twice MAX failures, then the account is slowed down.
    for (let i = 0; i < 2 * MAX; i++) {
      expect(await attempt('ann@example.com', 'guess', `203.0.113.${i}`)).toBeInstanceOf(UnauthorizedError);
    }
    const slowed = await attempt('ann@example.com', 'guess', '203.0.113.99');
    expect(slowed).toBeInstanceOf(TooManyRequestsError);
    expect((slowed as TooManyRequestsError).retryAfterSeconds).toBeLessThanOrEqual(SLOWDOWN_S);

    // The owner, a few seconds later, from their own address: in.
    nowMs += SLOWDOWN_S * SECOND;
    expect(await attempt('ann@example.com', 'ann password', '192.0.2.50')).toMatchObject({
      email: 'ann@example.com',
    });
  });

  it('does not let failures for one account block the right password of another from a shared address', async () => {
    // Everyone behind one proxy address: five failures by someone for eve's account...
    for (let i = 0; i < MAX; i++) await attempt('eve@example.com', 'guess', '10.0.0.1');
    // ...leave ann, signing in through the same address, alone.
    expect(await attempt('ann@example.com', 'ann password', '10.0.0.1')).toMatchObject({
      email: 'ann@example.com',
    });
  });

  it('stops one client spraying guesses over many accounts (ten times the per-account limit)', async () => {
    for (let i = 0; i < 10 * MAX; i++) await attempt(`user${i}@example.com`, 'guess', '192.0.2.66');
    expect(await attempt('ann@example.com', 'ann password', '192.0.2.66')).toBeInstanceOf(
      TooManyRequestsError,
    );
    expect(await attempt('ann@example.com', 'ann password', '192.0.2.67')).toMatchObject({
      email: 'ann@example.com',
    });
  });

  it('forgives the owner’s own failures from their client after a success', async () => {
    for (let i = 0; i < MAX - 1; i++) await attempt('ann@example.com', 'typo');
    expect(await attempt('ann@example.com', 'ann password')).toMatchObject({ email: 'ann@example.com' });
    for (let i = 0; i < MAX - 1; i++) await attempt('ann@example.com', 'typo');
    expect(await attempt('ann@example.com', 'ann password')).toMatchObject({ email: 'ann@example.com' });
  });

  it('lets at most MAX of 15 parallel guesses from one client be checked', async () => {
    const outcomes = await Promise.all(Array.from({ length: 15 }, () => attempt('bob@example.com', 'guess')));
    expect(outcomes.filter((o) => o instanceof UnauthorizedError).length).toBeLessThanOrEqual(MAX);
    expect(outcomes.filter((o) => o instanceof TooManyRequestsError).length).toBeGreaterThanOrEqual(15 - MAX);
  });
});

describe.each(dbBackends)('sign-up throttle on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  let signup: Signup;
  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
    const users = createUsers(db, { passwordParams: FAST_PASSWORDS });
    signup = createSignup({ users, throttle: createThrottle(db), maxPerClient: MAX, windowSeconds: 3600 });
  });
  afterAll(() => drop?.());

  it('counts every sign-up of a client, made or refused, and answers 429 beyond the limit', async () => {
    await signup({ email: 'new1@example.com', password: 'long enough', clientIp: '192.0.2.5' });
    await expect(
      signup({ email: 'new1@example.com', password: 'long enough', clientIp: '192.0.2.5' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await signup({ email: 'new2@example.com', password: 'long enough', clientIp: '192.0.2.5' });
    const refused = await signup({
      email: 'new3@example.com',
      password: 'long enough',
      clientIp: '192.0.2.5',
    }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(TooManyRequestsError);
    expect((refused as TooManyRequestsError).retryAfterSeconds).toBeGreaterThan(3000);
    // Another client is not affected.
    await signup({ email: 'new3@example.com', password: 'long enough', clientIp: '192.0.2.6' });
  });
});
