import { UnauthorizedError } from '../errors.ts';
import { loginThrottleKeys, type LoginThrottle } from './throttle.ts';
import type { User, Users } from './users.ts';

/**
 * Password login with throttling, in the one order that is safe: record the attempt under the
 * username and the client IP and refuse it when either is over the limit, all before any password
 * is checked; on success forget the attempt and clear the username's failures only (one success
 * from a shared IP must not wipe that IP's guesses at other accounts).
 *
 * @example
 *   const login = createLogin({ users, throttle });
 *   const user = await login({ email, password, clientIp }); // UnauthorizedError | TooManyRequestsError
 *   const { token } = await sessions.rotate(cookieToken, user.id);
 */
export function createLogin(deps: { users: Users; throttle: LoginThrottle }) {
  const { users, throttle } = deps;
  return async function login(input: { email: string; password: string; clientIp?: string }): Promise<User> {
    const keys = loginThrottleKeys(input.email, input.clientIp);
    // Recorded before the password is checked, so concurrent guesses cannot all slip under the limit.
    const attempt = await throttle.attempt(keys);
    const user = await users.authenticate(input.email, input.password);
    // One message for an unknown email and a wrong password: no account enumeration. The attempt's
    // records stay as the failure.
    if (!user) throw new UnauthorizedError('invalid email or password');
    await attempt.succeeded();
    return user;
  };
}

export type Login = ReturnType<typeof createLogin>;
