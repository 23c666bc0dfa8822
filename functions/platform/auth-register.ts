import { authFormRoute } from './lib/auth-routes.tsx';

export default authFormRoute('register', {
  summary: 'Create an account from the registration page, and sign in',
  // Never a role from the request: every account starts as a user.
  account: ({ body, clientIp }, ctx) =>
    ctx.auth.signup({ email: body.email, password: body.password, clientIp }),
  welcome: (user) => `Welcome, ${user.email}.`,
});
