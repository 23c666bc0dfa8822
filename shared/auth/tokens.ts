import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { MIN_SECRET_BYTES } from '../config.ts';
import { UnauthorizedError } from '../errors.ts';
import { ROLES, type Role, type User } from './users.ts';

/**
 * API bearer tokens: JWTs signed with HS256 and verified with the algorithm pinned, so a token
 * cannot pick its own algorithm (`alg: none`, or RS256 with our secret as a "public key").
 */
export interface TokenOptions {
  /** HMAC key, at least 32 bytes (config enforces the same for JWT_SECRET). */
  secret: string;
  /** `iss` written and required, e.g. 'fnstack'. */
  issuer: string;
  /** `aud` written and required, e.g. 'fnstack-api'. */
  audience: string;
  ttlSeconds: number;
  /** Clock for tests; default the system clock. */
  now?: () => Date;
}

export interface IssuedToken {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
}

export interface VerifiedToken {
  userId: string;
  role: Role;
  /** The user's auth version when it was issued: a token of an older version is revoked. */
  authVersion: number;
}

/** Defaults for `issuer` and `audience`: one deployment both issues and accepts its tokens. */
export const TOKEN_ISSUER = 'fnstack';
export const TOKEN_AUDIENCE = 'fnstack-api';

const ALGORITHM = 'HS256';

/** Verified tokens remembered per process: a few hundred bytes each. */
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * @example
 *   const tokens = createTokens({ secret, issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, ttlSeconds: 900 });
 *   const { access_token } = await tokens.issue(user);
 *   const { userId, role } = await tokens.verify(access_token); // UnauthorizedError if bad or expired
 */
export function createTokens(options: TokenOptions) {
  const { issuer, audience, ttlSeconds } = options;
  if (Buffer.byteLength(options.secret, 'utf8') < MIN_SECRET_BYTES) {
    throw new Error(`the token secret must be at least ${MIN_SECRET_BYTES} bytes long`);
  }
  const key = new TextEncoder().encode(options.secret);
  // Imported once: given raw bytes, jose imports the key again on every verify, a second
  // WebCrypto job per request.
  let verifyKey: ReturnType<typeof crypto.subtle.importKey> | undefined;
  const importVerifyKey = () =>
    (verifyKey ??= crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']));
  /**
   * Tokens already verified, by their exact text: a client sends the same token with every
   * call for its lifetime, and the signature check (a WebCrypto job) was the largest cost of an
   * authenticated request. A hit needs the very same string, which only a holder of a token we
   * signed has; its expiry is checked again on every hit, and failures are never kept.
   * Revocation is not the token's business: request-auth compares `ver` with the account's on
   * every request.
   */
  const verified = new LRUCache<string, VerifiedToken & { expiresAt: number }>({ max: VERIFIED_TOKENS_KEPT });
  const now = options.now ?? (() => new Date());

  return {
    async issue(user: Pick<User, 'id' | 'role' | 'authVersion'>): Promise<IssuedToken> {
      const issuedAt = Math.floor(now().getTime() / 1000);
      // `ver`: the account's auth version; request-auth refuses the token once it moves on.
      const accessToken = await new SignJWT({ role: user.role, ver: user.authVersion })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(user.id)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        // A unique id lets a later deny-list or audit log name one token.
        .setJti(randomUUID())
        .sign(key);
      return { access_token: accessToken, token_type: 'bearer', expires_in: ttlSeconds };
    },

    /** The token's user and role; UnauthorizedError for anything not issued by us and unexpired. */
    async verify(token: string): Promise<VerifiedToken> {
      const known = verified.get(token);
      if (known) {
        if (now().getTime() / 1000 < known.expiresAt) {
          const { expiresAt: _expiresAt, ...result } = known;
          return result;
        }
        verified.delete(token);
      }
      let payload;
      try {
        ({ payload } = await jwtVerify(token, await importVerifyKey(), {
          algorithms: [ALGORITHM],
          issuer,
          audience,
          requiredClaims: ['exp', 'sub'],
          currentDate: now(),
        }));
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw new UnauthorizedError('token expired', { cause: err });
        throw new UnauthorizedError('invalid token', { cause: err });
      }
      const { role, ver } = payload;
      if (typeof payload.sub !== 'string' || !ROLES.includes(role as Role) || !Number.isInteger(ver)) {
        throw new UnauthorizedError('invalid token');
      }
      const result = { userId: payload.sub, role: role as Role, authVersion: ver as number };
      verified.set(token, { ...result, expiresAt: payload.exp! });
      return result;
    },
  };
}

export type Tokens = ReturnType<typeof createTokens>;
