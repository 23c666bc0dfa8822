import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessions, TOUCH_INTERVAL_MS, type Sessions } from '../../shared/auth/sessions.ts';
import { createUsers } from '../../shared/auth/users.ts';
import type { Db } from '../../shared/db/port.ts';
import { createTestDb, dbBackends } from '../helpers/db.ts';

const IDLE_S = 1800;
const ABSOLUTE_S = 43200;
const MINUTE = 60_000;

describe.each(dbBackends)('sessions on %s', (backend) => {
  let db: Db;
  let drop: () => Promise<void>;
  let userId: string;
  let otherUserId: string;
  // Each test sets the clock it needs; sessions read it on every call.
  let nowMs = Date.parse('2030-01-01T00:00:00Z');
  let sessions: Sessions;

  beforeAll(async () => {
    ({ db, drop } = await createTestDb(backend));
    const users = createUsers(db, { passwordParams: { ln: 4, r: 8, p: 1, keyLength: 32, saltLength: 16 } });
    userId = (await users.register({ email: 'ann@example.com', password: 'ann password' })).id;
    otherUserId = (await users.register({ email: 'bob@example.com', password: 'bob password' })).id;
    sessions = createSessions(db, {
      idleSeconds: IDLE_S,
      absoluteSeconds: ABSOLUTE_S,
      now: () => new Date(nowMs),
    });
  });
  afterAll(() => drop?.());

  const rowOf = async (id: string) =>
    (
      await db.query<Record<string, unknown>>(
        'select token_hash, csrf_token, last_seen_at from auth.sessions where id = $1',
        [id],
      )
    ).rows[0];

  it('creates a session whose token finds it again; only the token hash is stored', async () => {
    const { token, session } = await sessions.create(userId);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrfToken).not.toBe(token);
    expect(session).toMatchObject({ userId, createdAt: new Date(nowMs), lastSeenAt: new Date(nowMs) });
    expect(session.expiresAt).toEqual(new Date(nowMs + IDLE_S * 1000));

    expect(await sessions.get(token)).toEqual(session);
    const row = await rowOf(session.id);
    expect(row?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('gives every session its own token and CSRF token, and the user’s auth version', async () => {
    const a = await sessions.create(userId);
    const b = await sessions.create(userId);
    expect(a.session.authVersion).toBe(1);
    expect(new Set([a.token, b.token, a.session.csrfToken, b.session.csrfToken]).size).toBe(4);
    expect((await sessions.get(b.token))?.id).toBe(b.session.id);
  });

  it('finds nothing for unknown, malformed or empty tokens', async () => {
    const { token } = await sessions.create(userId);
    const unknown = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [unknown, '', 'short', `${token}x`, "' or '1'='1", token.toUpperCase()]) {
      expect(await sessions.get(bad), bad).toBeUndefined();
    }
  });

  it('rotates: a new token and CSRF token for the user, and the old token stops working', async () => {
    const anonymous = await sessions.create(otherUserId);
    const rotated = await sessions.rotate(anonymous.token, userId);
    expect(rotated.token).not.toBe(anonymous.token);
    expect(rotated.session.id).not.toBe(anonymous.session.id);
    expect(rotated.session.csrfToken).not.toBe(anonymous.session.csrfToken);
    expect(rotated.session.userId).toBe(userId);
    expect(await sessions.get(anonymous.token)).toBeUndefined();
    expect(await rowOf(anonymous.session.id)).toBeUndefined();
    expect((await sessions.get(rotated.token))?.userId).toBe(userId);

    // Without a previous token, or with one that is not ours, it simply starts a session.
    expect((await sessions.get((await sessions.rotate(undefined, userId)).token))?.userId).toBe(userId);
    expect((await sessions.get((await sessions.rotate('junk', userId)).token))?.userId).toBe(userId);
  });

  it('destroys a session at logout; destroying an unknown one is harmless', async () => {
    const { token, session } = await sessions.create(userId);
    await sessions.destroy(token);
    expect(await sessions.get(token)).toBeUndefined();
    expect(await rowOf(session.id)).toBeUndefined();
    await sessions.destroy(token);
    await sessions.destroy('junk');
  });

  it('ends every session of one user, and only theirs', async () => {
    const mine = [await sessions.create(otherUserId), await sessions.create(otherUserId)];
    const theirs = await sessions.create(userId);
    expect(await sessions.destroyForUser(otherUserId)).toBe(2);
    for (const { token } of mine) expect(await sessions.get(token)).toBeUndefined();
    expect(await sessions.get(theirs.token)).toBeDefined();
  });

  it('records activity at most once a minute', async () => {
    const start = nowMs;
    const { token, session } = await sessions.create(userId);
    nowMs = start + 30_000;
    expect((await sessions.get(token))?.lastSeenAt).toEqual(new Date(start));
    expect(new Date((await rowOf(session.id))?.last_seen_at as string)).toEqual(new Date(start));

    nowMs = start + TOUCH_INTERVAL_MS;
    const touched = await sessions.get(token);
    expect(touched?.lastSeenAt).toEqual(new Date(nowMs));
    expect(touched?.expiresAt).toEqual(new Date(nowMs + IDLE_S * 1000));
    expect(new Date((await rowOf(session.id))?.last_seen_at as string)).toEqual(new Date(nowMs));
  });

  it('ends after idleSeconds without a request, and deletes the row', async () => {
    const start = nowMs;
    const { token, session } = await sessions.create(userId);
    nowMs = start + IDLE_S * 1000 - 1000;
    expect(await sessions.get(token)).toBeDefined(); // and touched: the idle clock restarts
    nowMs += IDLE_S * 1000 - 1000;
    expect(await sessions.get(token)).toBeDefined();
    nowMs += IDLE_S * 1000;
    expect(await sessions.get(token)).toBeUndefined();
    expect(await rowOf(session.id)).toBeUndefined();
  });

  it('ends after absoluteSeconds however active, and says so in expiresAt', async () => {
    const start = nowMs;
    const { token } = await sessions.create(userId);
    // A request every 20 minutes keeps it from idling out...
    for (nowMs = start; nowMs < start + ABSOLUTE_S * 1000 - MINUTE; nowMs += 20 * MINUTE) {
      expect(await sessions.get(token), new Date(nowMs).toISOString()).toBeDefined();
    }
    // ...and near the end the absolute deadline is the earlier one.
    nowMs = start + ABSOLUTE_S * 1000 - MINUTE;
    expect((await sessions.get(token))?.expiresAt).toEqual(new Date(start + ABSOLUTE_S * 1000));
    nowMs = start + ABSOLUTE_S * 1000;
    expect(await sessions.get(token)).toBeUndefined();
  });

  it('prunes idle and too-old sessions, keeping live ones', async () => {
    await db.query('delete from auth.sessions');
    const start = nowMs;
    const end = start + ABSOLUTE_S * 1000;
    const tooOld = await sessions.create(userId);
    // Kept active to the end, so that only the absolute deadline ends it.
    for (nowMs = start; nowMs <= end - 10 * MINUTE; nowMs += 20 * MINUTE) await sessions.get(tooOld.token);
    nowMs = end - 40 * MINUTE;
    const idle = await sessions.create(userId);
    nowMs = end - 10 * MINUTE;
    const live = await sessions.create(otherUserId);

    nowMs = end + MINUTE;
    expect(await sessions.prune()).toBe(2);
    const { rows } = await db.query<{ id: string }>('select id from auth.sessions');
    expect(rows.map((r) => r.id)).toEqual([live.session.id]);
    expect(idle.session.id).not.toBe(live.session.id);
  });

  it('goes when its user is deleted', async () => {
    const users = createUsers(db, { passwordParams: { ln: 4, r: 8, p: 1, keyLength: 32, saltLength: 16 } });
    const gone = await users.register({ email: 'gone@example.com', password: 'gone password' });
    const { token } = await sessions.create(gone.id);
    await db.query('delete from auth.users where id = $1', [gone.id]);
    expect(await sessions.get(token)).toBeUndefined();
  });
});
