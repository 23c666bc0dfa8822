import type { AuthUser } from '../contract/http.ts';
import { UnauthorizedError, ValidationError } from '../errors.ts';
import type { Login } from './login.ts';
import type { User, Users } from './users.ts';

/**
 * A signed-in user's password change. The current password is checked through `login`, so it is
 * throttled like any sign-in (a stolen session cannot be used to guess it); a wrong one is a 400
 * naming the field, not a 401 that would read as "your session is gone". On success every session
 * and token of the account ends (users.changePassword raises its auth version).
 *
 * @example
 *   const changePassword = createChangePassword({ users, login });
 *   const updated = await changePassword({ user, currentPassword, newPassword, clientIp });
 *   await req.signIn(updated); // this browser stays signed in, with a new session
 */
export function createChangePassword(deps: { users: Users; login: Login }) {
  const { users, login } = deps;
  return async function changePassword(input: {
    user: AuthUser;
    currentPassword: string;
    newPassword: string;
    clientIp?: string | undefined;
  }): Promise<User> {
    try {
      await login({ email: input.user.email, password: input.currentPassword, clientIp: input.clientIp });
    } catch (err) {
      if (!(err instanceof UnauthorizedError)) throw err;
      const message = 'the current password is not right';
      throw new ValidationError(message, { details: [{ path: 'current_password', message }] });
    }
    const updated = await users.changePassword(input.user.id, input.newPassword);
    if (!updated) throw new UnauthorizedError('this account no longer exists');
    return updated;
  };
}

export type ChangePassword = ReturnType<typeof createChangePassword>;
