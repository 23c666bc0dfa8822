import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessions } from '../../shared/auth/sessions.ts';
import { createUsers, type Users } from '../../shared/auth/users.ts';
import type { Db } from '../../shared/db/port.ts';
import { hashPassword, MAX_WAITING_DERIVATIONS } from '../../shared/auth/passwords.ts';
import { ConflictError, ServiceBusyError, ValidationError } from '../../shared/errors.ts';
import { createTestDb, dbBackends } from '../helpers/db.ts';

// Small scrypt parameters keep this fast; the real ones are covered in tests/unit/auth-passwords.test.ts.
const FAST = { ln: 4, r: 8, p: 1, keyLength: 32, saltLength: 16 };
const STRONGER = { ...FAST, ln: 5 };

describe.each(dbBackends)('users on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  let users: Users;
  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
    users = createUsers(db, { passwordParams: FAST });
  });
  afterAll(() => drop?.());

  const storedHash = async (email: string) =>
    (
      await db.query<{ password_hash: string }>('select password_hash from auth.users where email = $1', [
        email,
      ])
    ).rows[0]?.password_hash;
  const userCount = async () =>
    (await db.query<{ n: number }>('select count(*)::int as n from auth.users')).rows[0]!.n;

  it('answers a taken email with 409 without waiting for, or spending, a password hash', async () => {
    await users.register({ email: 'taken@example.com', password: 'taken password' });
    // Every hashing slot busy and the sign-up queue full (slow hashes of someone else's sign-ups):
    const SLOW = { ...FAST, ln: 15 };
    const busy = Array.from({ length: 2 + MAX_WAITING_DERIVATIONS.signup }, (_, i) =>
      hashPassword(`busy ${i}`, SLOW, 'signup'),
    );
    try {
      await expect(
        users.register({ email: 'Taken@example.com', password: 'other password' }),
      ).rejects.toBeInstanceOf(ConflictError);
      // A new email does need a hash, and is shed while the queue is full.
      await expect(
        users.register({ email: 'fresh@example.com', password: 'fresh password' }),
      ).rejects.toBeInstanceOf(ServiceBusyError);
    } finally {
      await Promise.all(busy);
    }
  });

  it('registers a user with a normalised email and authenticates it by any spelling of that email', async () => {
    const ann = await users.register({ email: '  Ann@Example.COM ', password: 'ann’s long password' });
    expect(ann).toMatchObject({ email: 'ann@example.com', role: 'user' });
    expect(ann.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(ann.createdAt).toISOString()).toBe(ann.createdAt);
    // Only a hash is stored.
    expect(await storedHash('ann@example.com')).toMatch(/^\$scrypt\$ln=4,r=8,p=1\$/);

    expect(await users.authenticate('ANN@example.com', 'ann’s long password')).toEqual(ann);
    expect(await users.byId(ann.id)).toEqual(ann);
  });

  it('registers admins when asked', async () => {
    const boss = await users.register({
      email: 'boss@example.com',
      password: 'boss password',
      role: 'admin',
    });
    expect(boss.role).toBe('admin');
  });

  it('refuses a second account for the same email, whatever its case', async () => {
    await users.register({ email: 'bob@example.com', password: 'bob password' });
    const before = await userCount();
    const error = await users
      .register({ email: 'BOB@example.com', password: 'other password' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, message: 'email is already registered' });
    expect(await userCount()).toBe(before);
    // The first account keeps its password.
    expect(await users.authenticate('bob@example.com', 'bob password')).toBeDefined();
    expect(await users.authenticate('bob@example.com', 'other password')).toBeUndefined();
  });

  it('refuses malformed emails and passwords outside 8..128 characters, storing nothing', async () => {
    const before = await userCount();
    for (const input of [
      { email: 'not-an-email', password: 'long enough password' },
      { email: '', password: 'long enough password' },
      { email: `${'a'.repeat(250)}@example.com`, password: 'long enough password' },
      { email: 'short@example.com', password: '1234567' },
      { email: 'long@example.com', password: 'x'.repeat(129) },
    ]) {
      await expect(users.register(input), input.email).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await userCount()).toBe(before);
  });

  it('answers undefined for an unknown email and for a wrong password alike', async () => {
    await users.register({ email: 'carol@example.com', password: 'carol password' });
    expect(await users.authenticate('nobody@example.com', 'carol password')).toBeUndefined();
    expect(await users.authenticate('carol@example.com', 'wrong password')).toBeUndefined();
    expect(await users.authenticate('carol@example.com', '')).toBeUndefined();
    expect(await users.authenticate('', '')).toBeUndefined();
  });

  it('upgrades a hash made with weaker parameters at the next successful login, and only then', async () => {
    const dave = await users.register({ email: 'dave@example.com', password: 'dave password' });
    const weakHash = await storedHash('dave@example.com');
    const upgraded = createUsers(db, { passwordParams: STRONGER });

    expect(await upgraded.authenticate('dave@example.com', 'wrong password')).toBeUndefined();
    expect(await storedHash('dave@example.com')).toBe(weakHash);

    expect(await upgraded.authenticate('dave@example.com', 'dave password')).toEqual(dave);
    const newHash = await storedHash('dave@example.com');
    expect(newHash).toMatch(/^\$scrypt\$ln=5,r=8,p=1\$/);
    expect(await upgraded.authenticate('dave@example.com', 'dave password')).toEqual(dave);
    // Upgraded once: the next login finds nothing to do.
    expect(await storedHash('dave@example.com')).toBe(newHash);
  });

  it('finds nobody for an unknown id or a string that is not a uuid', async () => {
    expect(await users.byId('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await users.byId("1' or '1'='1")).toBeUndefined();
    expect(await users.byId('')).toBeUndefined();
  });

  it('answers a burst of concurrent lookups each with its own user, reading after each was asked', async () => {
    const erin = await users.register({ email: 'erin@example.com', password: 'erin password' });
    const fred = await users.register({ email: 'fred@example.com', password: 'fred password' });
    const unknown = '00000000-0000-4000-8000-000000000001';
    const ids = Array.from({ length: 60 }, (_, i) => [erin.id, fred.id.toUpperCase(), unknown][i % 3]!);
    const burst = Promise.all(ids.map((id) => users.byId(id)));
    // Changed while the burst's first lookups are in flight: a lookup asked afterwards sees it.
    await users.setRole(fred.id, 'admin');
    const after = await users.byId(fred.id);
    const found = await burst;
    expect(found.map((user) => user?.email)).toEqual(
      ids.map((_, i) => ['erin@example.com', 'fred@example.com', undefined][i % 3]),
    );
    expect(after).toMatchObject({ role: 'admin', authVersion: fred.authVersion + 1 });
  });

  it('treats SQL in emails and passwords as plain text', async () => {
    const before = await userCount();
    const sneaky = "x'); delete from auth.users; --";
    const eve = await users.register({ email: 'eve@example.com', password: sneaky });
    expect(await users.authenticate('eve@example.com', sneaky)).toEqual(eve);
    expect(await users.authenticate("eve@example.com' or '1'='1", sneaky)).toBeUndefined();
    expect(await users.authenticate("' or 1=1 --", "' or '1'='1")).toBeUndefined();
    await expect(
      users.register({ email: "' or 1=1 --", password: 'long enough password' }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect(await userCount()).toBe(before + 1);
  });

  describe('ensureAdmin', () => {
    it('creates the admin once; later calls change nothing, not even the password', async () => {
      const first = await users.ensureAdmin({ email: 'Root@Example.com', password: 'first admin password' });
      expect(first.outcome).toBe('created');
      expect(first.user).toMatchObject({ email: 'root@example.com', role: 'admin' });

      const again = await users.ensureAdmin({ email: 'root@example.com', password: 'another password' });
      expect(again).toEqual({ user: first.user, outcome: 'unchanged' });
      expect(await users.authenticate('root@example.com', 'first admin password')).toEqual(first.user);
      expect(await users.authenticate('root@example.com', 'another password')).toBeUndefined();
    });

    it('promotes an existing user, replaces its password and ends its sessions', async () => {
      // Someone registered the admin's email before the admin was set up.
      const squatter = await users.register({ email: 'ops@example.com', password: 'squatter password' });
      const sessions = createSessions(db, { idleSeconds: 1800, absoluteSeconds: 43200 });
      const { token } = await sessions.create(squatter.id);

      const { user, outcome } = await users.ensureAdmin({
        email: 'ops@example.com',
        password: 'the ops password',
      });
      expect(outcome).toBe('promoted');
      // A new auth version: the squatter's tokens, which carry the old one, stop working.
      expect(user).toEqual({ ...squatter, role: 'admin', authVersion: squatter.authVersion + 1 });
      expect(await users.authenticate('ops@example.com', 'squatter password')).toBeUndefined();
      expect(await users.authenticate('ops@example.com', 'the ops password')).toEqual(user);
      expect(await sessions.get(token)).toBeUndefined();

      expect(
        (await users.ensureAdmin({ email: 'ops@example.com', password: 'the ops password' })).outcome,
      ).toBe('unchanged');
    });

    it('changes a role, a password, or signs out everywhere: each raises the auth version and ends sessions', async () => {
      const sessions = createSessions(db, { idleSeconds: 1800, absoluteSeconds: 43200 });
      const pat = await users.register({ email: 'pat@example.com', password: 'pat password 1' });
      expect(pat.authVersion).toBe(1);

      const sessionBefore = (await sessions.create(pat.id)).token;
      const admin = await users.setRole(pat.id, 'admin');
      expect(admin).toMatchObject({ role: 'admin', authVersion: 2 });
      expect(await sessions.get(sessionBefore)).toBeUndefined();
      expect(await users.setRole(pat.id, 'user')).toMatchObject({ role: 'user', authVersion: 3 });

      const beforePassword = (await sessions.create(pat.id)).token;
      expect(await users.changePassword(pat.id, 'pat password 2')).toMatchObject({ authVersion: 4 });
      expect(await users.authenticate('pat@example.com', 'pat password 1')).toBeUndefined();
      expect(await users.authenticate('pat@example.com', 'pat password 2')).toMatchObject({ authVersion: 4 });
      expect(await sessions.get(beforePassword)).toBeUndefined();
      await expect(users.changePassword(pat.id, 'short')).rejects.toBeInstanceOf(ValidationError);

      const beforeEverywhere = (await sessions.create(pat.id)).token;
      expect(await users.signOutEverywhere(pat.id)).toMatchObject({ authVersion: 5 });
      expect(await sessions.get(beforeEverywhere)).toBeUndefined();
      // A session started now carries the new version.
      expect((await sessions.create(pat.id)).session.authVersion).toBe(5);
      expect(await users.setRole('not-a-uuid', 'admin')).toBeUndefined();
    });

    it('sets a configured password that differs on an existing admin (a way back in), and only then', async () => {
      const { user } = await users.ensureAdmin({
        email: 'chief@example.com',
        password: 'first admin password',
      });
      const again = await users.ensureAdmin({
        email: 'chief@example.com',
        password: 'first admin password',
        passwordIsConfigured: true,
      });
      expect(again.outcome).toBe('unchanged');
      // A generated password (ADMIN_PASSWORD unset) never replaces the existing one.
      expect(
        (await users.ensureAdmin({ email: 'chief@example.com', password: 'generated one here' })).outcome,
      ).toBe('unchanged');
      const changed = await users.ensureAdmin({
        email: 'chief@example.com',
        password: 'second admin password',
        passwordIsConfigured: true,
      });
      expect(changed.outcome).toBe('password-updated');
      expect(changed.user.authVersion).toBe(user.authVersion + 1);
      expect(await users.authenticate('chief@example.com', 'first admin password')).toBeUndefined();
      expect(await users.authenticate('chief@example.com', 'second admin password')).toMatchObject({
        role: 'admin',
      });
    });

    it('validates its input like register', async () => {
      await expect(
        users.ensureAdmin({ email: 'admin', password: 'long enough password' }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        users.ensureAdmin({ email: 'admin@example.com', password: 'short' }),
      ).rejects.toBeInstanceOf(ValidationError);
    });
  });
});
