import { describe, expect, it } from 'vitest';
import { resolveAuthSecrets } from '../../shared/auth/secrets.ts';
import { ConfigError, loadConfig } from '../../shared/config.ts';
import { TooManyRequestsError } from '../../shared/errors.ts';

// As `openssl rand -base64 24` would make them: long enough and not a pattern.
const SECRET_32 = 'q7Vx2LmN9pR4sT8wK1zB6cD3fG5hJ0aE';
const SECRETS = { JWT_SECRET: SECRET_32, SESSION_SECRET: 'Zr8Kp2Wm5Qx9Tn3Vb7Lc1Hd4Gf6Js0YaEu' };

describe('auth settings in loadConfig', () => {
  it('has the documented defaults', () => {
    expect(loadConfig({})).toMatchObject({
      JWT_TTL_S: 900,
      SESSION_IDLE_S: 1800,
      SESSION_ABSOLUTE_S: 43200,
      LOGIN_MAX_FAILURES: 5,
      LOGIN_WINDOW_S: 900,
    });
  });

  it('runs without secrets in development and test only', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).JWT_SECRET).toBeUndefined();
    expect(loadConfig({ NODE_ENV: 'test' }).SESSION_SECRET).toBeUndefined();
    for (const NODE_ENV of ['production', 'staging']) {
      expect(() => loadConfig({ NODE_ENV }), NODE_ENV).toThrow(ConfigError);
      // One error naming both, so a deployment is fixed in one go.
      expect(() => loadConfig({ NODE_ENV }), NODE_ENV).toThrow(
        /JWT_SECRET is required.*SESSION_SECRET is required/,
      );
      expect(() => loadConfig({ NODE_ENV, JWT_SECRET: SECRET_32 })).toThrow(/SESSION_SECRET/);
    }
    expect(loadConfig({ NODE_ENV: 'production', ...SECRETS })).toMatchObject(SECRETS);
  });

  it('refuses the same value for both secrets in any mode', () => {
    for (const NODE_ENV of ['production', 'development']) {
      expect(
        () => loadConfig({ NODE_ENV, JWT_SECRET: SECRET_32, SESSION_SECRET: SECRET_32 }),
        NODE_ENV,
      ).toThrow(/JWT_SECRET and SESSION_SECRET must be different/);
    }
  });

  it('refuses guessable secrets outside development and test, and tolerates them there', () => {
    const production = (JWT_SECRET: string) => () =>
      loadConfig({ NODE_ENV: 'production', ...SECRETS, JWT_SECRET });
    expect(production('a'.repeat(40))).toThrow(/JWT_SECRET has fewer than 10 different characters/);
    expect(production('0123456789'.repeat(4))).toThrow(/JWT_SECRET repeats a short pattern/);
    expect(production('changeme-please!'.repeat(3))).toThrow(/repeats a short pattern/);
    expect(loadConfig({ NODE_ENV: 'development', JWT_SECRET: 'a'.repeat(40) }).JWT_SECRET).toBe(
      'a'.repeat(40),
    );
    expect(loadConfig({ NODE_ENV: 'production', ...SECRETS })).toMatchObject(SECRETS);
  });

  it('refuses secrets shorter than 32 bytes in any mode, counting bytes', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ...SECRETS, JWT_SECRET: 'x'.repeat(31) })).toThrow(
      /JWT_SECRET must be at least 32 bytes/,
    );
    expect(() => loadConfig({ SESSION_SECRET: 'too-short' })).toThrow(
      /SESSION_SECRET must be at least 32 bytes/,
    );
    // 16 two-byte characters are 32 bytes.
    expect(loadConfig({ JWT_SECRET: 'é'.repeat(16) }).JWT_SECRET).toBe('é'.repeat(16));
  });

  it('checks the admin settings', () => {
    expect(loadConfig({ ADMIN_EMAIL: 'admin@example.com' }).ADMIN_EMAIL).toBe('admin@example.com');
    expect(() => loadConfig({ ADMIN_EMAIL: 'not-an-email' })).toThrow(/ADMIN_EMAIL/);
    expect(() => loadConfig({ ADMIN_EMAIL: 'admin@example.com', ADMIN_PASSWORD: 'short' })).toThrow(
      /ADMIN_PASSWORD/,
    );
    expect(() => loadConfig({ ADMIN_PASSWORD: 'long enough password' })).toThrow(/ADMIN_EMAIL is not/);
  });

  it('refuses out-of-range durations and limits', () => {
    expect(() => loadConfig({ LOGIN_MAX_FAILURES: '0' })).toThrow(/LOGIN_MAX_FAILURES/);
    expect(() => loadConfig({ JWT_TTL_S: 'soon' })).toThrow(/JWT_TTL_S/);
  });
});

describe('resolveAuthSecrets', () => {
  it('returns configured secrets as they are', () => {
    expect(resolveAuthSecrets({ NODE_ENV: 'production', ...SECRETS })).toEqual({
      jwtSecret: SECRETS.JWT_SECRET,
      sessionSecret: SECRETS.SESSION_SECRET,
      generated: [],
    });
  });

  it('generates unset ones in development: long, distinct, and the same for every caller in the process', () => {
    const first = resolveAuthSecrets({ NODE_ENV: 'development' });
    expect(first.generated).toEqual(['JWT_SECRET', 'SESSION_SECRET']);
    expect(Buffer.byteLength(first.jwtSecret)).toBeGreaterThanOrEqual(32);
    expect(first.jwtSecret).not.toBe(first.sessionSecret);
    expect(resolveAuthSecrets({ NODE_ENV: 'test' })).toEqual(first);

    const mixed = resolveAuthSecrets({ NODE_ENV: 'development', JWT_SECRET: SECRET_32 });
    expect(mixed).toEqual({
      jwtSecret: SECRET_32,
      sessionSecret: first.sessionSecret,
      generated: ['SESSION_SECRET'],
    });
  });

  it('refuses to generate outside development and test', () => {
    expect(() => resolveAuthSecrets({ NODE_ENV: 'production', JWT_SECRET: SECRET_32 })).toThrow(ConfigError);
  });
});

describe('TooManyRequestsError', () => {
  it('is a 429 carrying whole seconds to wait (at least one), also in its details', () => {
    const error = new TooManyRequestsError('slow down', { retryAfterSeconds: 12.2 });
    expect(error).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 13 });
    expect(error.details).toEqual({ retryAfterSeconds: 13 });
    expect(new TooManyRequestsError('slow down', { retryAfterSeconds: 0 }).retryAfterSeconds).toBe(1);
  });
});
