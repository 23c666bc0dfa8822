import { authFormRoute } from './lib/auth-routes.tsx';

export default authFormRoute('register', {
  summary: 'Create an account from the registration page, and sign in',
  // Never a role from the request: every account starts as a user.
  account: ({ body }, ctx) => ctx.auth.users.register({ email: body.email, password: body.password }),
  welcome: (user) => `Welcome, ${user.email}.`,
});
