import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineHttp, json, type AuthUser } from '../../shared/contract/index.ts';

/** `auth` is part of every HTTP function: an open route says so, and a closed one always has its user. */
describe('defineHttp', () => {
  it('refuses a definition without auth, at compile time and at run time', () => {
    expect(() =>
      // @ts-expect-error -- auth is required: 'public' must be written out
      defineHttp({ method: 'GET', path: '/open', summary: 'Open by omission', handler: () => json({}) }),
    ).toThrow(/GET \/open: auth must be one of public, user, admin/);
    expect(() =>
      // @ts-expect-error -- not an access level
      defineHttp({ method: 'GET', path: '/x', summary: 'x', auth: 'everyone', handler: () => json({}) }),
    ).toThrow(TypeError);
  });

  it('types req.user as present on a route that is not public, and as optional on a public one', () => {
    defineHttp({
      method: 'GET',
      path: '/mine',
      summary: 'Signed in',
      auth: 'user',
      handler: ({ user }) => {
        expectTypeOf(user).toEqualTypeOf<AuthUser>();
        return json({ id: user.id });
      },
    });
    defineHttp({
      method: 'GET',
      path: '/anyone',
      summary: 'Open',
      auth: 'public',
      handler: ({ user }) => {
        expectTypeOf(user).toEqualTypeOf<AuthUser | undefined>();
        return json({ id: user?.id ?? null });
      },
    });
  });
});
