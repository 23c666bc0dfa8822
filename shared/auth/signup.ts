import { clientKey, type Throttle } from './throttle.ts';
import type { User, Users } from './users.ts';

/**
 * Self-service registration, throttled per client: every attempt counts (made, refused as taken,
 * or invalid), `maxPerClient` within `windowSeconds`, then 429 with Retry-After. Each new account
 * costs a memory-hard hash, so an unthrottled sign-up form is a lever against everyone's logins;
 * the hash queue itself is bounded too (passwords.ts). A duplicate email is answered 409 before
 * any hash is spent: faster, but it tells nothing the 409 itself does not.
 *
 * @example
 *   const signup = createSignup({ users, throttle, maxPerClient: 10, windowSeconds: 3600 });
 *   const user = await signup({ email, password, clientIp }); // ValidationError | ConflictError | TooManyRequestsError
 */
export function createSignup(deps: {
  users: Users;
  throttle: Throttle;
  maxPerClient: number;
  windowSeconds: number;
}) {
  const { users, throttle, maxPerClient, windowSeconds } = deps;
  return async function signup(input: {
    email: string;
    password: string;
    clientIp?: string | undefined;
  }): Promise<User> {
    const client = clientKey(input.clientIp);
    if (client !== undefined)
      await throttle.attempt([{ key: `signup:${client}`, max: maxPerClient, windowSeconds }]);
    return users.register({ email: input.email, password: input.password });
  };
}

export type Signup = ReturnType<typeof createSignup>;
