import { describe, expect, it } from 'vitest';
import { ServiceBusyError } from '../../shared/errors.ts';
import {
  hashPassword,
  MAX_WAITING_DERIVATIONS,
  PASSWORD_PARAMS,
  passwordProblem,
  unmatchableHash,
  verifyPassword,
  type ScryptParams,
} from '../../shared/auth/passwords.ts';

// Small parameters keep these tests fast; one test below uses the real ones.
const FAST: ScryptParams = { ln: 4, r: 8, p: 1, keyLength: 32, saltLength: 16 };
const FASTER_THAN_FAST: ScryptParams = { ...FAST, ln: 3 };

const B64 = '[A-Za-z0-9+/]';
const fastHashFormat = new RegExp(`^\\$scrypt\\$ln=4,r=8,p=1\\$${B64}{22}\\$${B64}{43}$`);

describe('hashPassword', () => {
  it('writes a self-describing $scrypt$ string with a 16-byte salt and a 32-byte hash', async () => {
    const stored = await hashPassword('correct horse battery', FAST);
    expect(stored).toMatch(fastHashFormat);
    const [, , , salt, hash] = stored.split('$');
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash!, 'base64')).toHaveLength(32);
  });

  it('gives different hashes for equal passwords (random salt), each of which verifies', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password', FAST),
      hashPassword('same password', FAST),
    ]);
    expect(a).not.toBe(b);
    expect((await verifyPassword('same password', a, FAST)).ok).toBe(true);
    expect((await verifyPassword('same password', b, FAST)).ok).toBe(true);
  });

  it('finishes every hash when more are requested at once than run at once', async () => {
    const passwords = Array.from({ length: 7 }, (_, i) => `password number ${i}`);
    const hashes = await Promise.all(passwords.map((pw) => hashPassword(pw, FAST)));
    const checks = await Promise.all(hashes.map((h, i) => verifyPassword(passwords[i]!, h, FAST)));
    expect(checks.every((c) => c.ok)).toBe(true);
  });
});

describe('the derivation queue', () => {
  // Slow enough that a burst queues, light enough (16 MiB) to run beside other tests.
  const QUEUED: ScryptParams = { ...FAST, ln: 14 };

  it('sheds sign-up hashes beyond its bound with ServiceBusyError (503, Retry-After) and finishes the rest', async () => {
    const burst = 2 + MAX_WAITING_DERIVATIONS.signup + 4;
    const outcomes = await Promise.allSettled(
      Array.from({ length: burst }, (_, i) => hashPassword(`password ${i}`, QUEUED, 'signup')),
    );
    const shed = outcomes
      .filter((o) => o.status === 'rejected')
      .map((o) => (o as PromiseRejectedResult).reason);
    expect(shed).toHaveLength(4);
    for (const err of shed)
      expect(err).toMatchObject({ status: 503, code: 'SERVICE_BUSY', retryAfterSeconds: 2 });
    expect(shed[0]).toBeInstanceOf(ServiceBusyError);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(burst - 4);
  });

  it('serves a login before sign-ups that were waiting first', async () => {
    const stored = await hashPassword('the login', QUEUED);
    const finished: string[] = [];
    const track = (name: string, work: Promise<unknown>) => work.then(() => void finished.push(name));
    await Promise.all([
      ...[1, 2, 3, 4, 5].map((n) => track(`signup ${n}`, hashPassword(`new ${n}`, QUEUED, 'signup'))),
      track('login', verifyPassword('the login', stored, QUEUED)),
    ]);
    // Two sign-ups were running when it arrived and three waiting. It took the first free slot, so
    // the last sign-up could only start once the login was done (first in, first out: it would be last).
    expect(finished.indexOf('login')).toBeLessThan(finished.indexOf('signup 5'));
    expect(finished.at(-1)).not.toBe('login');
  });
});

describe('verifyPassword', () => {
  it('accepts the password and refuses any other', async () => {
    const stored = await hashPassword('correct horse battery', FAST);
    expect(await verifyPassword('correct horse battery', stored, FAST)).toEqual({
      ok: true,
      needsRehash: false,
    });
    for (const wrong of ['correct horse batterY', 'correct horse battery ', '', 'x'.repeat(1000)]) {
      expect(await verifyPassword(wrong, stored, FAST)).toEqual({ ok: false, needsRehash: false });
    }
  });

  it('treats composed and decomposed accents as the same password (NFKC)', async () => {
    const composed = 'caf\u00e9 au lait';
    const decomposed = 'cafe\u0301 au lait';
    const stored = await hashPassword(composed, FAST);
    expect((await verifyPassword(decomposed, stored, FAST)).ok).toBe(true);
  });

  it('asks for a rehash when the stored parameters are weaker than the current ones', async () => {
    const weak = await hashPassword('correct horse battery', FASTER_THAN_FAST);
    expect(await verifyPassword('correct horse battery', weak, FAST)).toEqual({
      ok: true,
      needsRehash: true,
    });
    // Only after a successful verify: a wrong password must not trigger any write.
    expect(await verifyPassword('wrong password', weak, FAST)).toEqual({ ok: false, needsRehash: false });

    const smallBlock = await hashPassword('correct horse battery', { ...FAST, r: 4 });
    expect((await verifyPassword('correct horse battery', smallBlock, FAST)).needsRehash).toBe(true);
    const shortKey = await hashPassword('correct horse battery', { ...FAST, keyLength: 16 });
    expect((await verifyPassword('correct horse battery', shortKey, FAST)).needsRehash).toBe(true);
  });

  it('keeps hashes made with the current or stronger parameters', async () => {
    const stronger = await hashPassword('correct horse battery', { ...FAST, ln: 5 });
    expect(await verifyPassword('correct horse battery', stronger, FAST)).toEqual({
      ok: true,
      needsRehash: false,
    });
  });

  it('never matches malformed or foreign hashes, and never runs absurd parameters', async () => {
    const good = await hashPassword('pw-pw-pw-pw', FAST);
    const [, , , salt, hash] = good.split('$');
    const malformed = [
      '',
      'pw-pw-pw-pw',
      '$2b$12$abcdefghijklmnopqrstuuZBy4GvA0jv8cJTy9nyd2HzLiPqNdV.m', // bcrypt
      // A hash cut to 9 bytes would be cheap to collide with: too short to be ours.
      `$scrypt$ln=4,r=8,p=1$${salt}$${hash!.slice(0, 12)}`,
      `$scrypt$ln=4,r=8,p=1$${salt!.slice(0, 8)}$${hash}`,
      `$scrypt$ln=4,r=8$${salt}$${hash}`,
      // 2^40 blocks would need terabytes: refused before any work.
      `$scrypt$ln=40,r=8,p=1$${salt}$${hash}`,
      `$scrypt$ln=0,r=8,p=1$${salt}$${hash}`,
    ];
    for (const stored of malformed) {
      expect(await verifyPassword('pw-pw-pw-pw', stored, FAST), stored).toEqual({
        ok: false,
        needsRehash: false,
      });
    }
  });
});

describe('unmatchableHash', () => {
  it('is a well-formed hash with the given parameters that no password matches', async () => {
    const decoy = unmatchableHash(FAST);
    expect(decoy).toMatch(fastHashFormat);
    expect(unmatchableHash(FAST)).not.toBe(decoy);
    expect(await verifyPassword('', decoy, FAST)).toEqual({ ok: false, needsRehash: false });
  });
});

describe('passwordProblem', () => {
  it('accepts 8 to 128 characters, counting characters rather than UTF-16 units', () => {
    expect(passwordProblem('1234567')).toMatch(/at least 8/);
    expect(passwordProblem('12345678')).toBeUndefined();
    expect(passwordProblem('x'.repeat(128))).toBeUndefined();
    expect(passwordProblem('x'.repeat(129))).toMatch(/at most 128/);
    // Four emoji are 8 UTF-16 units but 4 characters.
    expect(passwordProblem('🔑🔑🔑🔑')).toMatch(/at least 8/);
    expect(passwordProblem('🔑'.repeat(128))).toBeUndefined();
  });
});

describe('with the real parameters', () => {
  it('meets OWASP (N=2^17, r=8, p=1), hashes and verifies', async () => {
    expect(PASSWORD_PARAMS).toEqual({ ln: 17, r: 8, p: 1, keyLength: 32, saltLength: 16 });
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(new RegExp(`^\\$scrypt\\$ln=17,r=8,p=1\\$${B64}{22}\\$${B64}{43}$`));
    expect(await verifyPassword('correct horse battery staple', stored)).toEqual({
      ok: true,
      needsRehash: false,
    });
    // A hash made with the fast test parameters is due for an upgrade under the real ones.
    const weak = await hashPassword('correct horse battery staple', FAST);
    expect(await verifyPassword('correct horse battery staple', weak)).toEqual({
      ok: true,
      needsRehash: true,
    });
  });
});
