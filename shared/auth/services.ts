import { allowsGeneratedSecrets, type Config } from '../config.ts';
import type { TransportPolicy } from '../http/transport.ts';
import type { Queryable } from '../db/port.ts';
import { createChangePassword, type ChangePassword } from './change-password.ts';
import { createLogin, type Login } from './login.ts';
import type { ScryptParams } from './passwords.ts';
import { resolveAuthSecrets } from './secrets.ts';
import { createSessions, type Sessions } from './sessions.ts';
import { createSignup, type Signup } from './signup.ts';
import { createThrottle, type Throttle } from './throttle.ts';
import { createTokens, TOKEN_AUDIENCE, TOKEN_ISSUER, type Tokens } from './tokens.ts';
import { createUsers, type Users } from './users.ts';

/** Everything auth, built once per process from the config and the database. */
export interface AuthServices {
  users: Users;
  sessions: Sessions;
  throttle: Throttle;
  tokens: Tokens;
  login: Login;
  signup: Signup;
  changePassword: ChangePassword;
  /** Signs the session cookie. */
  sessionSecret: string;
  /** Seconds a session lives at most (the cookie's Max-Age). */
  sessionMaxAgeSeconds: number;
  /** Public origins accepted by the CSRF origin check besides the request's own. */
  allowedOrigins: readonly string[];
  /**
   * Proxies whose X-Forwarded-For and -Proto are believed (TRUSTED_PROXY_HOPS): where the client
   * address is read; and production mode: whether cookies are Secure whatever the request says.
   */
  transport: TransportPolicy;
  /** Secrets generated for this run because unset (development, test): say so at start. */
  generatedSecrets: readonly string[];
  /**
   * Delete sessions past their idle or absolute deadline and failed logins and sign-ups that no
   * window counts any more (the platform's prune task). Runs on `db` when given (a task's
   * transaction: on the embedded database a query beside an open transaction would wait for it
   * forever), else on the services' own connection.
   */
  prune(db?: Queryable): Promise<AuthPruned>;
}

/** What `prune()` deleted. */
export interface AuthPruned {
  sessionsDeleted: number;
  throttleRowsDeleted: number;
}

/**
 * @example
 *   const auth = createAuthServices({ db, config });
 *   const user = await auth.login({ email, password, clientIp });
 *   const token = await auth.tokens.issue(user);
 *   await auth.prune(tx); // { sessionsDeleted, throttleRowsDeleted }
 */
export function createAuthServices(parts: {
  db: Queryable;
  config: Config;
  /** Scrypt parameters of new hashes; tests pass cheap ones. Default: OWASP's (PASSWORD_PARAMS). */
  passwordParams?: ScryptParams;
}): AuthServices {
  const { db, config } = parts;
  const secrets = resolveAuthSecrets(config);
  const users = createUsers(db, parts.passwordParams ? { passwordParams: parts.passwordParams } : {});
  const sessionLifetime = { idleSeconds: config.SESSION_IDLE_S, absoluteSeconds: config.SESSION_ABSOLUTE_S };
  // The longest window any throttle rule counts back over: older rows decide nothing.
  const throttleWindowSeconds = Math.max(config.LOGIN_WINDOW_S, config.SIGNUP_WINDOW_S);
  const throttle = createThrottle(db);
  const login = createLogin({
    users,
    throttle,
    maxFailures: config.LOGIN_MAX_FAILURES,
    windowSeconds: config.LOGIN_WINDOW_S,
    slowdownSeconds: config.LOGIN_SLOWDOWN_S,
  });
  return {
    users,
    sessions: createSessions(db, sessionLifetime),
    throttle,
    tokens: createTokens({
      secret: secrets.jwtSecret,
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      ttlSeconds: config.JWT_TTL_S,
    }),
    login,
    changePassword: createChangePassword({ users, login }),
    signup: createSignup({
      users,
      throttle,
      maxPerClient: config.SIGNUP_MAX_PER_CLIENT,
      windowSeconds: config.SIGNUP_WINDOW_S,
    }),
    sessionSecret: secrets.sessionSecret,
    sessionMaxAgeSeconds: config.SESSION_ABSOLUTE_S,
    allowedOrigins: config.ALLOWED_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ''),
    transport: {
      trustedProxyHops: config.TRUSTED_PROXY_HOPS,
      production: !allowsGeneratedSecrets(config.NODE_ENV),
    },
    generatedSecrets: secrets.generated,
    async prune(on = db) {
      return {
        sessionsDeleted: await createSessions(on, sessionLifetime).prune(),
        throttleRowsDeleted: await createThrottle(on).prune(throttleWindowSeconds),
      };
    },
  };
}
