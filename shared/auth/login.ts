import { UnauthorizedError } from '../errors.ts';
import { loginThrottleKeys, type LoginThrottle } from './throttle.ts';
import type { User, Users } from './users.ts';

/**
 * Password login with throttling, in the one order that is safe: refuse a throttled attempt
 * before any password is checked, record a failure under the username and the client IP, and
 * on success clear the username's failures only (one success from a shared IP must not wipe
 * that IP's guesses at other accounts).
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
    await throttle.check(keys);
    const user = await users.authenticate(input.email, input.password);
    if (!user) {
      await throttle.fail(keys);
      // One message for an unknown email and a wrong password: no account enumeration.
      throw new UnauthorizedError('invalid email or password');
    }
    await throttle.reset(keys.slice(0, 1));
    return user;
  };
}

export type Login = ReturnType<typeof createLogin>;
