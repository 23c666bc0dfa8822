import { randomUUID } from 'node:crypto';
import { decodeJwt, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokens, TOKEN_AUDIENCE, TOKEN_ISSUER, type TokenOptions } from '../../shared/auth/tokens.ts';
import { UnauthorizedError } from '../../shared/errors.ts';

const SECRET = 'test-secret-test-secret-test-secret-0123456789';
const OPTIONS: TokenOptions = {
  secret: SECRET,
  issuer: TOKEN_ISSUER,
  audience: TOKEN_AUDIENCE,
  ttlSeconds: 900,
};
const user = { id: randomUUID(), role: 'admin' as const, authVersion: 3 };
const key = new TextEncoder().encode(SECRET);

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A token signed with our secret but built by hand, to vary one thing at a time. */
function mint(
  claims: Record<string, unknown>,
  options: { alg?: string; exp?: number; iss?: string; aud?: string; sub?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? 'HS256' })
    .setSubject(options.sub ?? user.id)
    .setIssuer(options.iss ?? TOKEN_ISSUER)
    .setAudience(options.aud ?? TOKEN_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(options.exp ?? now + 600)
    .sign(key);
}

async function expectRejected(token: string, message = /invalid token/): Promise<void> {
  const tokens = createTokens(OPTIONS);
  const error = await tokens.verify(token).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  expect((error as UnauthorizedError).status).toBe(401);
  expect((error as UnauthorizedError).message).toMatch(message);
}

describe('createTokens', () => {
  it('issues a bearer token that verifies to its user and role', async () => {
    const tokens = createTokens(OPTIONS);
    const issued = await tokens.issue(user);
    expect(issued).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    expect(await tokens.verify(issued.access_token)).toEqual({
      userId: user.id,
      role: 'admin',
      authVersion: 3,
    });

    const claims = decodeJwt(issued.access_token);
    expect(claims).toMatchObject({
      sub: user.id,
      role: 'admin',
      ver: 3,
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
    });
    expect(claims.exp! - claims.iat!).toBe(900);
  });

  it('accepts a token minted elsewhere with the same secret, issuer and audience', async () => {
    expect(await createTokens(OPTIONS).verify(await mint({ role: 'user', ver: 1 }))).toEqual({
      userId: user.id,
      role: 'user',
      authVersion: 1,
    });
  });

  it('rejects a token without the auth version it was issued at (it could not be revoked)', async () => {
    await expectRejected(await mint({ role: 'user' }), /invalid token/);
    await expectRejected(await mint({ role: 'user', ver: '1' }), /invalid token/);
  });

  it('rejects a token whose signature was altered', async () => {
    const [header, payload, signature] = (await createTokens(OPTIONS).issue(user)).access_token.split('.');
    // Change a character in the middle: the last one may only carry padding bits.
    const middle = Math.floor(signature!.length / 2);
    const flipped = signature![middle] === 'A' ? 'B' : 'A';
    const altered = `${signature!.slice(0, middle)}${flipped}${signature!.slice(middle + 1)}`;
    await expectRejected(`${header}.${payload}.${altered}`);
  });

  it('rejects a token whose claims were altered (role raised) under the original signature', async () => {
    const tokens = createTokens(OPTIONS);
    const [header, payload, signature] = (await tokens.issue({ ...user, role: 'user' })).access_token.split(
      '.',
    );
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    await expectRejected(`${header}.${b64url({ ...claims, role: 'admin' })}.${signature}`);
  });

  it('rejects an expired token, saying so', async () => {
    await expectRejected(
      await mint({ role: 'user' }, { exp: Math.floor(Date.now() / 1000) - 60 }),
      /expired/,
    );

    // And one of our own once its ttl has passed.
    let now = new Date('2030-01-01T00:00:00Z');
    const tokens = createTokens({ ...OPTIONS, now: () => now });
    const { access_token } = await tokens.issue(user);
    now = new Date(now.getTime() + 899_000);
    expect((await tokens.verify(access_token)).userId).toBe(user.id);
    now = new Date(now.getTime() + 2_000);
    await expect(tokens.verify(access_token)).rejects.toThrow(/expired/);
  });

  it('rejects an unsigned token (alg: none)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: user.id,
      role: 'admin',
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      iat: now,
      exp: now + 600,
    };
    await expectRejected(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`);
    await expectRejected(`${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}`);
  });

  it('rejects another HMAC algorithm with the same secret (the algorithm is pinned)', async () => {
    await expectRejected(await mint({ role: 'user' }, { alg: 'HS512' }));
  });

  it('rejects a wrong audience or issuer', async () => {
    await expectRejected(await mint({ role: 'user' }, { aud: 'another-api' }));
    await expectRejected(await mint({ role: 'user' }, { iss: 'someone-else' }));
    const foreign = createTokens({ ...OPTIONS, issuer: 'someone-else' });
    await expectRejected((await foreign.issue(user)).access_token);
  });

  it('rejects a token signed with another secret', async () => {
    const other = createTokens({ ...OPTIONS, secret: 'another-secret-another-secret-another-secret' });
    await expectRejected((await other.issue(user)).access_token);
  });

  it('rejects tokens without a known role or a subject, and garbage', async () => {
    await expectRejected(await mint({ role: 'root' }));
    await expectRejected(await mint({}));
    const noSubject = await new SignJWT({ role: 'user' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setExpirationTime('10m')
      .sign(key);
    await expectRejected(noSubject);
    for (const garbage of ['', 'abc', 'a.b.c', `${b64url({ alg: 'HS256' })}..`])
      await expectRejected(garbage);
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => createTokens({ ...OPTIONS, secret: 'short' })).toThrow(/32 bytes/);
  });
});
