import { authFormRoute } from './lib/auth-routes.tsx';

export default authFormRoute('login', {
  summary: 'Sign in from the sign-in page (session cookie)',
  account: ({ body, clientIp }, ctx) =>
    ctx.auth.login({ email: body.email, password: body.password, clientIp }),
  welcome: (user) => `Signed in as ${user.email}.`,
});
