import { UnauthorizedError } from '../errors.ts';
import { clientKey, type Throttle, type ThrottleRule } from './throttle.ts';
import { normalizeEmail, type User, type Users } from './users.ts';

/**
 * Password login, throttled against guessing without handing an attacker a lockout (OWASP's
 * Authentication cheat sheet). Three rules, all judged before any password is checked:
 * - per account and client (`login:<email>|<client>`): `maxFailures` failures in the window, then
 *   that client is refused for that account: the classic brute force of one account;
 * - per client (`login-client:<client>`): ten times as many, across all accounts: one client
 *   spraying passwords over many accounts. High enough that users behind one shared address (a
 *   proxy with TRUSTED_PROXY_HOPS unset, an office NAT) are not shut out by each other's typos;
 * - per account from anywhere (`login-account:<email>`): beyond twice `maxFailures`, one password
 *   check per `slowdownSeconds` for that account. Guessing spread over many addresses is slowed to
 *   a crawl, and the owner is never locked out: at worst asked to wait a few seconds.
 * A success forgets the attempt and the account-and-client failures; a failure keeps its records.
 * An unknown client address (no socket, no trusted proxy) skips the client rules.
 *
 * @example
 *   const login = createLogin({ users, throttle, maxFailures: 5, windowSeconds: 900, slowdownSeconds: 10 });
 *   const user = await login({ email, password, clientIp }); // UnauthorizedError | TooManyRequestsError
 */
export interface LoginLimits {
  maxFailures: number;
  windowSeconds: number;
  slowdownSeconds: number;
}

/** Failures per client across accounts, as a multiple of maxFailures. */
const CLIENT_FACTOR = 10;
/** Failures per account across clients before it is slowed down, as a multiple of maxFailures. */
const ACCOUNT_FACTOR = 2;

export function loginRules(email: string, clientIp: string | undefined, limits: LoginLimits): ThrottleRule[] {
  const account = normalizeEmail(email);
  const client = clientKey(clientIp);
  const { maxFailures, windowSeconds, slowdownSeconds } = limits;
  const rules: ThrottleRule[] = [
    {
      key: `login-account:${account}`,
      max: maxFailures * ACCOUNT_FACTOR,
      windowSeconds,
      spacingSeconds: slowdownSeconds,
    },
  ];
  if (client !== undefined) {
    rules.unshift(
      { key: `login:${account}|${client}`, max: maxFailures, windowSeconds },
      { key: `login-client:${client}`, max: maxFailures * CLIENT_FACTOR, windowSeconds },
    );
  }
  return rules;
}

export function createLogin(deps: { users: Users; throttle: Throttle } & LoginLimits) {
  const { users, throttle } = deps;
  return async function login(input: {
    email: string;
    password: string;
    clientIp?: string | undefined;
  }): Promise<User> {
    const rules = loginRules(input.email, input.clientIp, deps);
    // Recorded before the password is checked, so concurrent guesses cannot all slip under a limit.
    const attempt = await throttle.attempt(rules);
    const user = await users.authenticate(input.email, input.password);
    // One message for an unknown email and a wrong password: no account enumeration. The attempt's
    // records stay as the failure.
    if (!user) throw new UnauthorizedError('invalid email or password');
    // The owner's own typos from this client are forgiven; the client's and the account's counts
    // stay (one success behind a shared address must not wipe another's guesses).
    await attempt.succeeded(rules.filter((rule) => rule.key.startsWith('login:')).map((rule) => rule.key));
    return user;
  };
}

export type Login = ReturnType<typeof createLogin>;
